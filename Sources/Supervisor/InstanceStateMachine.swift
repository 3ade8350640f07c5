import Core

/// The lifecycle of one service instance (one child process at a time) under a Docker-style restart policy.
///
/// A value: feed it events with the current time and perform the actions it returns, in order. It makes no
/// syscall and reads no clock. Every (state, event) pair is handled explicitly; a pair that cannot happen in
/// a correct owner, or that comes too late (a timer for a state already left, an exit already handled),
/// returns no action rather than trapping.
///
/// Restart policy (Docker's): see `InstancePolicy.RestartMode`. The restart count resets only on an explicit
/// start (`.start`), as Docker resets it on `docker start` and on daemon start; a long run resets the back-off
/// delay (`RestartBackoff.resetAfter`) but not the count, so `on-failure:N` gives up after N restarts in a
/// row without an explicit start in between (every restart under `on-failure` follows a failure).
public struct InstanceStateMachine: Sendable {
    /// Where the instance is in its lifecycle.
    public enum State: Hashable, Sendable {
        /// Not started yet.
        case created
        /// Started; waiting for the services it depends on (`DependencyGate`).
        case waitingForDependencies
        /// `.spawn` was returned; waiting for `.spawned` or `.spawnFailed`. A stop asked for meanwhile waits
        /// in `pendingStop` and is carried out as soon as the process exists.
        case spawning(requestedAt: Instant, pendingStop: StopReason?)
        /// The process is running.
        case running(pid: Int32, since: Instant)
        /// The process ended and the restart policy will spawn it again at `until`; `restartCount` counts
        /// this restart.
        case backingOff(until: Instant, restartCount: Int)
        /// The stop signal was sent to the process group at `signalSentAt`; `SIGKILL` follows at `deadline`.
        case stopping(pid: Int32, runningSince: Instant, signalSentAt: Instant, deadline: Instant, reason: StopReason)
        /// The grace period ran out and `SIGKILL` was sent to the process group; waiting for the exit.
        case killing(pid: Int32, runningSince: Instant, reason: StopReason)
        /// The process ended on its own and the restart policy does not restart it.
        case exited(TerminationStatus)
        /// Stopped by the supervisor (`.stop(requestedByUser: false)`, `.supervisorShutdown`).
        case stopped
        /// Stopped by hand; remembered across supervisor restarts through `.persistUserStopped`.
        case stoppedByUser
        /// `on-failure:N` gave up after N restarts; the last exit status.
        case failed(TerminationStatus)
        /// Removed (scale-down); no event brings it back.
        case removed
    }

    /// What to do once a stopping process has exited; a later, stronger reason replaces a weaker one.
    public enum StopReason: Int, Comparable, Hashable, Sendable {
        /// The health check asked for a restart: the exit counts as a failure and the policy decides.
        case liveness
        /// The supervisor stops it (shutdown, or a stop that is not the user's): state `stopped`.
        case supervisor
        /// Stopped by hand: state `stoppedByUser`, no restart under any policy.
        case user
        /// Scale-down: state `removed`.
        case removal

        public static func < (a: StopReason, b: StopReason) -> Bool { a.rawValue < b.rawValue }
    }

    /// Who starts the instance, which decides whether a persisted manual stop holds.
    public enum StartReason: Hashable, Sendable {
        /// An explicit start (`stack up`, `stack start`): always starts, and clears the manual-stop flag.
        case user
        /// The supervisor starting its stack after a (re)start: `unless-stopped` instances that were stopped
        /// by hand stay stopped; every other instance starts (and `always` clears the flag, as Docker does).
        case supervisorBoot
    }

    /// An input to the machine.
    public enum Event: Hashable, Sendable {
        /// Start the instance (from `created` or any state where it is down).
        case start(StartReason)
        /// Every dependency is met (answer to `.awaitDependencies`).
        case dependenciesReady
        /// The process asked for by `.spawn` exists; it leads its own process group.
        case spawned(pid: Int32)
        /// The process asked for by `.spawn` could not be created; counted as `TerminationStatus.spawnFailure`.
        case spawnFailed(reason: String)
        /// The process was reaped.
        case exited(TerminationStatus)
        /// The timer from the last `.scheduleTimer` fired (late or stale firings are ignored).
        case timerFired
        /// Stop the instance; `requestedByUser` is Docker's "manually stopped" (it matters for `unless-stopped`).
        case stop(requestedByUser: Bool)
        /// Send a signal by hand (`stack kill`, like `docker kill`); the exit that follows goes through the
        /// restart policy exactly as a crash would.
        case kill(UnixSignal)
        /// The health check changed verdict (from `HealthAction.statusChanged`); reported as an event.
        case healthChanged(HealthStatus)
        /// The health check asks for a restart (`HealthAction.restartInstance`): stop with the grace period,
        /// then the restart policy decides, counting the exit as a failure.
        case livenessRestart
        /// The supervisor is shutting down: stop without marking the instance as stopped by hand.
        case supervisorShutdown
        /// Scale-down: stop if running, then `removed`.
        case remove
    }

    /// The policy this instance runs under.
    public let policy: InstancePolicy
    /// The current state.
    public internal(set) var state: State
    /// Automatic restarts since the last explicit start (`docker inspect`'s `RestartCount`).
    public internal(set) var restartCount: Int = 0
    /// Whether the instance was stopped by hand and not started since (Docker's `HasBeenManuallyStopped`).
    public internal(set) var isUserStopped: Bool
    /// Restarts in the current back-off streak; a run of `resetAfter` or longer ends the streak.
    var backoffStreak: Int = 0

    /// A machine in state `created`; `userStopped` is the flag last persisted through `.persistUserStopped`.
    public init(policy: InstancePolicy, userStopped: Bool = false) {
        self.policy = policy
        self.state = .created
        self.isUserStopped = userStopped
    }

    /// The process id while a process exists (running, or being stopped).
    public var pid: Int32? {
        switch state {
        case .running(let pid, _), .stopping(let pid, _, _, _, _), .killing(let pid, _, _): pid
        case .created, .waitingForDependencies, .spawning, .backingOff, .exited, .stopped, .stoppedByUser,
            .failed, .removed:
            nil
        }
    }

    /// Feeds one event observed at `now`; returns what the owner must do, in order.
    public mutating func event(_ event: Event, now: Instant) -> [InstanceAction] {
        switch event {
        case .start(let reason): start(reason)
        case .dependenciesReady: dependenciesReady(now: now)
        case .spawned(let pid): spawned(pid: pid, now: now)
        case .spawnFailed(let reason): spawnFailed(reason: reason, now: now)
        case .exited(let status): exited(status, now: now)
        case .timerFired: timerFired(now: now)
        case .stop(let requestedByUser): requestStop(requestedByUser ? .user : .supervisor, now: now)
        case .kill(let signal): kill(signal)
        case .healthChanged(let status): healthChanged(status)
        case .livenessRestart: livenessRestart(now: now)
        case .supervisorShutdown: requestStop(.supervisor, now: now)
        case .remove: requestStop(.removal, now: now)
        }
    }

    // MARK: - Starting

    private mutating func start(_ reason: StartReason) -> [InstanceAction] {
        switch state {
        case .created:
            if reason == .supervisorBoot && policy.restart == .unlessStopped && isUserStopped {
                state = .stoppedByUser
                return []
            }
            return beginStart()
        case .exited, .stopped, .stoppedByUser, .failed:
            // The supervisor boots once, from `created`; only an explicit start revives a stopped instance.
            return reason == .user ? beginStart() : []
        case .waitingForDependencies, .spawning, .running, .backingOff, .stopping, .killing, .removed:
            return []
        }
    }

    private mutating func beginStart() -> [InstanceAction] {
        var actions: [InstanceAction] = []
        if isUserStopped {
            isUserStopped = false
            actions.append(.persistUserStopped(false))
        }
        restartCount = 0
        backoffStreak = 0
        state = .waitingForDependencies
        actions.append(.awaitDependencies)
        return actions
    }

    private mutating func dependenciesReady(now: Instant) -> [InstanceAction] {
        switch state {
        case .waitingForDependencies:
            state = .spawning(requestedAt: now, pendingStop: nil)
            return [.spawn]
        case .created, .spawning, .running, .backingOff, .stopping, .killing, .exited, .stopped, .stoppedByUser,
            .failed, .removed:
            return []
        }
    }

    private mutating func spawned(pid: Int32, now: Instant) -> [InstanceAction] {
        switch state {
        case .spawning(_, nil):
            state = .running(pid: pid, since: now)
            return [.emit(.started(pid: pid))]
        case .spawning(_, let pendingStop?):
            return [.emit(.started(pid: pid))] + beginStop(pid: pid, runningSince: now, reason: pendingStop, now: now)
        case .created, .waitingForDependencies, .running, .backingOff, .stopping, .killing, .exited, .stopped,
            .stoppedByUser, .failed, .removed:
            return []
        }
    }

    private mutating func spawnFailed(reason: String, now: Instant) -> [InstanceAction] {
        switch state {
        case .spawning(_, nil):
            return [.emit(.spawnFailed(reason: reason))]
                + afterExit(.spawnFailure, ranFor: .zero, countsAsFailure: false, now: now)
        case .spawning(_, let pendingStop?):
            return [.emit(.spawnFailed(reason: reason))]
                + finishStop(pendingStop, status: .spawnFailure, ranFor: .zero, now: now)
        case .created, .waitingForDependencies, .running, .backingOff, .stopping, .killing, .exited, .stopped,
            .stoppedByUser, .failed, .removed:
            return []
        }
    }

    private mutating func exited(_ status: TerminationStatus, now: Instant) -> [InstanceAction] {
        switch state {
        case .running(_, let since):
            return [.emit(.exited(status))] + afterExit(status, ranFor: now - since, countsAsFailure: false, now: now)
        case .stopping(_, let since, _, _, let reason):
            return [.cancelTimer, .emit(.exited(status))]
                + finishStop(reason, status: status, ranFor: now - since, now: now)
        case .killing(_, let since, let reason):
            return [.emit(.exited(status))] + finishStop(reason, status: status, ranFor: now - since, now: now)
        case .created, .waitingForDependencies, .spawning, .backingOff, .exited, .stopped, .stoppedByUser, .failed,
            .removed:
            return []
        }
    }
}
