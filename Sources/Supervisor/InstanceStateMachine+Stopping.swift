import Core

// Stop, kill, timers, health and removal: every way an instance goes down.
extension InstanceStateMachine {
    /// A stop for `reason`: signal the group and arm the grace timer if a process runs; otherwise settle at once.
    mutating func requestStop(_ reason: StopReason, now: Instant) -> [InstanceAction] {
        // Docker marks a container "manually stopped" only when the stop reaches a live or restarting one.
        var actions: [InstanceAction] = []
        func markUserStopped() {
            if reason == .user && !isUserStopped {
                isUserStopped = true
                actions.append(.persistUserStopped(true))
            }
        }
        switch state {
        case .waitingForDependencies:
            markUserStopped()
            return actions + finishStop(reason, status: nil, ranFor: .zero, now: now)
        case .spawning(let requestedAt, let pending):
            markUserStopped()
            state = .spawning(requestedAt: requestedAt, pendingStop: max(pending ?? reason, reason))
            return actions
        case .running(let pid, let since):
            markUserStopped()
            return actions + beginStop(pid: pid, runningSince: since, reason: reason, now: now)
        case .backingOff:
            // The pending restart is cancelled with the timer.
            markUserStopped()
            return actions + [.cancelTimer] + finishStop(reason, status: nil, ranFor: .zero, now: now)
        case .stopping(let pid, let since, let sentAt, let deadline, let current):
            // The first stop signal and its deadline stand; only what happens after the exit can change.
            markUserStopped()
            state = .stopping(
                pid: pid, runningSince: since, signalSentAt: sentAt, deadline: deadline, reason: max(current, reason))
            return actions
        case .killing(let pid, let since, let current):
            markUserStopped()
            state = .killing(pid: pid, runningSince: since, reason: max(current, reason))
            return actions
        case .created, .exited, .stopped, .stoppedByUser, .failed:
            // Nothing runs: a stop is a no-op (as `docker stop` on an exited container); a removal removes.
            guard reason == .removal else { return [] }
            state = .removed
            return [.emit(.removed)]
        case .removed:
            return []
        }
    }

    /// Sends the stop signal to the process group and arms the grace timer.
    mutating func beginStop(pid: Int32, runningSince: Instant, reason: StopReason, now: Instant) -> [InstanceAction] {
        let deadline = now + policy.stopGracePeriod
        state = .stopping(pid: pid, runningSince: runningSince, signalSentAt: now, deadline: deadline, reason: reason)
        return [.sendSignalToGroup(pgid: pid, policy.stopSignal), .scheduleTimer(at: deadline)]
    }

    /// Settles a finished stop; `status` is `nil` when no process had to exit (stopped while waiting).
    mutating func finishStop(
        _ reason: StopReason, status: TerminationStatus?, ranFor: TimeAmount, now: Instant
    )
        -> [InstanceAction]
    {
        switch reason {
        case .liveness:
            // Only a running process is stopped for liveness, so there is always a status here.
            return afterExit(status ?? .spawnFailure, ranFor: ranFor, countsAsFailure: true, now: now)
        case .supervisor:
            state = .stopped
            return [.emit(.stopped)]
        case .user:
            state = .stoppedByUser
            return [.emit(.stopped)]
        case .removal:
            state = .removed
            return [.emit(.removed)]
        }
    }

    mutating func timerFired(now: Instant) -> [InstanceAction] {
        switch state {
        case .backingOff(let until, _) where now >= until:
            state = .spawning(requestedAt: now, pendingStop: nil)
            return [.spawn]
        case .stopping(let pid, let since, _, let deadline, let reason) where now >= deadline:
            state = .killing(pid: pid, runningSince: since, reason: reason)
            return [.emit(.stopTimedOut), .sendSignalToGroup(pgid: pid, .kill)]
        case .backingOff, .stopping:
            // A stale timer from an earlier state fired before the current deadline.
            return []
        case .created, .waitingForDependencies, .spawning, .running, .killing, .exited, .stopped, .stoppedByUser,
            .failed, .removed:
            return []
        }
    }

    mutating func kill(_ signal: UnixSignal) -> [InstanceAction] {
        switch state {
        case .running(let pid, _), .stopping(let pid, _, _, _, _), .killing(let pid, _, _):
            // The state does not change: the exit that follows decides, as after `docker kill`.
            return [.emit(.killed(signal)), .sendSignalToGroup(pgid: pid, signal)]
        case .created, .waitingForDependencies, .spawning, .backingOff, .exited, .stopped, .stoppedByUser, .failed,
            .removed:
            return []
        }
    }

    mutating func healthChanged(_ status: HealthStatus) -> [InstanceAction] {
        switch state {
        case .running:
            switch status {
            case .starting: return []
            case .healthy: return [.emit(.healthy)]
            case .unhealthy: return [.emit(.unhealthy)]
            }
        case .created, .waitingForDependencies, .spawning, .backingOff, .stopping, .killing, .exited, .stopped,
            .stoppedByUser, .failed, .removed:
            // A verdict on a process that is going or gone is stale.
            return []
        }
    }

    mutating func livenessRestart(now: Instant) -> [InstanceAction] {
        switch state {
        case .running(let pid, let since):
            return beginStop(pid: pid, runningSince: since, reason: .liveness, now: now)
        case .created, .waitingForDependencies, .spawning, .backingOff, .stopping, .killing, .exited, .stopped,
            .stoppedByUser, .failed, .removed:
            return []
        }
    }
}
