import Core

/// Something the owner of a `HealthStateMachine` must do, in the order the machine returns them.
public enum HealthAction: Hashable, Sendable {
    /// Arm the instance's probe timer for `deadline`, replacing any earlier one; send `.timerFired` then.
    case scheduleProbe(at: Instant)
    /// Run the probe now; report `.probeSucceeded`, `.probeFailed` or, after `timeout`, `.probeTimedOut`.
    case runProbe(timeout: TimeAmount)
    /// Disarm the probe timer and abandon any probe in flight (its result would be ignored anyway).
    case cancelProbe
    /// The verdict changed: tell the instance (`.healthChanged`) and the instances waiting on it.
    case statusChanged(HealthStatus)
    /// The instance turned unhealthy and the check is a liveness check: send it `.livenessRestart`.
    case restartInstance
}
