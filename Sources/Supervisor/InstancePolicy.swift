import Core

/// What the supervisor needs to know to run one instance: restart policy, back-off and how to stop it.
///
/// The manifest layer maps its own model (`restart: on-failure:3`, `stop_grace_period`) onto this; the state
/// machines depend on nothing else.
public struct InstancePolicy: Hashable, Sendable {
    /// Docker's restart policies.
    public enum RestartMode: Hashable, Sendable {
        /// Never restart automatically.
        case no
        /// Restart after every exit, whatever the status; a manual stop holds until the next start, and the
        /// instance starts again when the supervisor starts even if it had been stopped by hand.
        case always
        /// Like `always`, except that an instance stopped by hand stays stopped across supervisor restarts.
        case unlessStopped
        /// Restart only after a failure (non-zero code or death by signal), at most `maximumRetries` times
        /// (`nil`: no limit; Docker spells that `on-failure` or `on-failure:0`) since the instance was last
        /// started explicitly.
        case onFailure(maximumRetries: Int?)
    }

    /// When to restart after the process ends on its own.
    public var restart: RestartMode
    /// How long to wait before each automatic restart.
    public var backoff: RestartBackoff
    /// The signal a stop sends to the process group first (Docker: `SIGTERM`, or the image's `STOPSIGNAL`).
    public var stopSignal: UnixSignal
    /// How long a stop waits after `stopSignal` before it sends `SIGKILL` (Docker: 10 s).
    public var stopGracePeriod: TimeAmount

    public init(
        restart: RestartMode = .no, backoff: RestartBackoff = RestartBackoff(),
        stopSignal: UnixSignal = .terminate, stopGracePeriod: TimeAmount = .seconds(10 as Int64)
    ) {
        if case .onFailure(let maximum?) = restart {
            precondition(maximum >= 0, "on-failure retries must not be negative")
        }
        self.restart = restart
        self.backoff = backoff
        self.stopSignal = stopSignal
        self.stopGracePeriod = stopGracePeriod
    }
}
