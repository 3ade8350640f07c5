import Core

/// When to probe an instance and how to judge the results: Docker's `HEALTHCHECK` options plus liveness.
public struct HealthCheckPolicy: Hashable, Sendable {
    /// The time between the end of one probe and the start of the next (Docker: 30 s).
    public var interval: TimeAmount
    /// How long a probe may take before it counts as failed (Docker: 30 s); the owner enforces it.
    public var timeout: TimeAmount
    /// Failures in a row that make the instance unhealthy (Docker: 3).
    public var retries: Int
    /// After the process starts, failures do not count until this has passed or a probe succeeds (Docker: 0).
    public var startPeriod: TimeAmount
    /// The time between probes during the start period (Docker's `start_interval`; `nil`: `interval`).
    public var startInterval: TimeAmount?
    /// Whether an unhealthy verdict restarts the instance (a liveness check; Docker only reports it).
    public var restartsWhenUnhealthy: Bool

    public init(
        interval: TimeAmount = .seconds(30 as Int64), timeout: TimeAmount = .seconds(30 as Int64), retries: Int = 3,
        startPeriod: TimeAmount = .zero, startInterval: TimeAmount? = nil, restartsWhenUnhealthy: Bool = false
    ) {
        precondition(retries >= 1, "a health check needs at least one failure to turn unhealthy")
        precondition(interval > .zero && timeout > .zero, "health check interval and timeout must be positive")
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.restartsWhenUnhealthy = restartsWhenUnhealthy
    }
}
