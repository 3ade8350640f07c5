import Core

/// Something that happened to an instance, for `stack events` and the log.
///
/// The state machine emits these through `InstanceAction.emit`; the owner stamps them with wall-clock time.
public enum LifecycleEvent: Hashable, Sendable {
    /// A process was spawned for the instance (first start and every restart).
    case started(pid: Int32)
    /// The process could not be spawned; treated as `TerminationStatus.spawnFailure`.
    case spawnFailed(reason: String)
    /// The process ended.
    case exited(TerminationStatus)
    /// The restart policy will start the instance again after `delay`; `restartCount` counts this restart.
    case restarting(restartCount: Int, delay: TimeAmount)
    /// `on-failure:N` ran out of restarts; the instance stays down.
    case gaveUp(restartCount: Int)
    /// A signal was sent by hand (`stack kill`); the exit that follows goes through the restart policy.
    case killed(UnixSignal)
    /// The stop signal was not enough within the grace period; `SIGKILL` was sent to the process group.
    case stopTimedOut
    /// The instance stopped because it was asked to (by hand, by the supervisor, or for a removal).
    case stopped
    /// The health check passed after it had not.
    case healthy
    /// The health check failed `retries` times in a row.
    case unhealthy
    /// The instance is gone for good (scale-down).
    case removed
}
