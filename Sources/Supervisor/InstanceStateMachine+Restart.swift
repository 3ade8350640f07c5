import Core

// The restart policy: what happens after a process ends on its own (or is stopped for liveness).
extension InstanceStateMachine {
    /// Applies the restart policy to an exit; `countsAsFailure` forces a failure (a liveness restart).
    mutating func afterExit(
        _ status: TerminationStatus, ranFor: TimeAmount, countsAsFailure: Bool, now: Instant
    )
        -> [InstanceAction]
    {
        if ranFor >= policy.backoff.resetAfter {
            backoffStreak = 0
        }
        switch policy.restart {
        case .no:
            state = .exited(status)
            return []
        case .always, .unlessStopped:
            // A manual stop never gets here: it goes through `finishStop`.
            return scheduleRestart(now: now)
        case .onFailure(let maximumRetries):
            guard countsAsFailure || status.isFailure else {
                state = .exited(status)
                return []
            }
            if let maximumRetries, restartCount >= maximumRetries {
                state = .failed(status)
                return [.emit(.gaveUp(restartCount: restartCount))]
            }
            return scheduleRestart(now: now)
        }
    }

    /// Counts a restart and spawns at once or after the back-off delay.
    private mutating func scheduleRestart(now: Instant) -> [InstanceAction] {
        restartCount += 1
        let delay = policy.backoff.delay(forRestart: backoffStreak)
        backoffStreak += 1
        let announcement = InstanceAction.emit(.restarting(restartCount: restartCount, delay: delay))
        if delay <= .zero {
            // No timer round trip: a first crash is respawned within the same turn of the owner's loop.
            state = .spawning(requestedAt: now, pendingStop: nil)
            return [announcement, .spawn]
        }
        let until = now + delay
        state = .backingOff(until: until, restartCount: restartCount)
        return [announcement, .scheduleTimer(at: until)]
    }
}
