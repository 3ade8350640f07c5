import Core

/// The health of one instance, judged from probe results the owner feeds in (Docker's rules).
///
/// A value: it never runs a probe or reads the clock. A new process starts in `starting`; failures within the
/// start period do not count (a success ends the start period early); `retries` counted failures in a row
/// make it `unhealthy`, and any success makes it `healthy`. Each verdict change is reported once.
public struct HealthStateMachine: Sendable {
    /// How far the current process has come: its verdict and the failures counted against it.
    public struct Tally: Hashable, Sendable {
        /// The current verdict.
        public var status: HealthStatus
        /// Counted failures in a row.
        public var consecutiveFailures: Int
        /// When the process started; the start period runs from here.
        public var processStartedAt: Instant
    }

    /// Whether a probe is pending or running.
    public enum State: Hashable, Sendable {
        /// No process: nothing to probe.
        case idle
        /// The next probe is due at `due`.
        case waiting(Tally, due: Instant)
        /// A probe started at `startedAt` and its result is awaited.
        case probing(Tally, startedAt: Instant)
    }

    /// An input to the machine.
    public enum Event: Hashable, Sendable {
        /// A new process runs (first start or restart): the verdict starts over at `starting`.
        case processStarted
        /// The process is gone: stop probing.
        case processExited
        /// The probe timer from `.scheduleProbe` fired (early or stale firings are ignored).
        case timerFired
        /// The probe passed.
        case probeSucceeded
        /// The probe failed (non-zero exit, HTTP error, refused connection ...).
        case probeFailed(reason: String)
        /// The probe did not finish within the timeout.
        case probeTimedOut
    }

    /// The check this machine judges by.
    public let policy: HealthCheckPolicy
    /// The current state.
    public private(set) var state: State = .idle

    public init(policy: HealthCheckPolicy) {
        self.policy = policy
    }

    /// The verdict on the current process, or `nil` when there is none.
    public var status: HealthStatus? {
        switch state {
        case .idle: nil
        case .waiting(let tally, _), .probing(let tally, _): tally.status
        }
    }

    /// Feeds one event observed at `now`; returns what the owner must do, in order.
    public mutating func event(_ event: Event, now: Instant) -> [HealthAction] {
        switch event {
        case .processStarted:
            let tally = Tally(status: .starting, consecutiveFailures: 0, processStartedAt: now)
            return scheduleNextProbe(tally, now: now)
        case .processExited:
            switch state {
            case .idle:
                return []
            case .waiting, .probing:
                state = .idle
                return [.cancelProbe]
            }
        case .timerFired:
            switch state {
            case .waiting(let tally, let due) where now >= due:
                state = .probing(tally, startedAt: now)
                return [.runProbe(timeout: policy.timeout)]
            case .idle, .waiting, .probing:
                return []
            }
        case .probeSucceeded:
            switch state {
            case .probing(var tally, _):
                tally.consecutiveFailures = 0
                let changed = tally.status != .healthy
                tally.status = .healthy
                return (changed ? [.statusChanged(.healthy)] : []) + scheduleNextProbe(tally, now: now)
            case .idle, .waiting:
                return []
            }
        case .probeFailed, .probeTimedOut:
            switch state {
            case .probing(let tally, _):
                return probeFailed(tally, now: now)
            case .idle, .waiting:
                return []
            }
        }
    }

    private mutating func probeFailed(_ tally: Tally, now: Instant) -> [HealthAction] {
        var tally = tally
        var actions: [HealthAction] = []
        if !isInStartPeriod(tally, now: now) {
            tally.consecutiveFailures += 1
            if tally.consecutiveFailures >= policy.retries && tally.status != .unhealthy {
                tally.status = .unhealthy
                actions.append(.statusChanged(.unhealthy))
                if policy.restartsWhenUnhealthy {
                    actions.append(.restartInstance)
                }
            }
        }
        return actions + scheduleNextProbe(tally, now: now)
    }

    /// Whether failures are still forgiven: no success yet and the start period not over.
    private func isInStartPeriod(_ tally: Tally, now: Instant) -> Bool {
        tally.status == .starting && now < tally.processStartedAt + policy.startPeriod
    }

    private mutating func scheduleNextProbe(_ tally: Tally, now: Instant) -> [HealthAction] {
        let gap = isInStartPeriod(tally, now: now) ? policy.startInterval ?? policy.interval : policy.interval
        state = .waiting(tally, due: now + gap)
        return [.scheduleProbe(at: now + gap)]
    }
}
