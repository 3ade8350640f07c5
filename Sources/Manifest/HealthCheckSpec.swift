import Core

/// How and how often the supervisor checks that an instance is healthy.
public struct HealthCheckSpec: Sendable, Hashable {
    /// What one check does.
    public enum Probe: Sendable, Hashable {
        /// `GET <path>` on the instance's address and port; a 2xx status passes.
        case http(path: String)
        /// A TCP connect to the instance's address and port passes.
        case tcp
        /// Runs `argv` (resolved like `command`); exit status 0 passes. `STACK_*` variables are set.
        case exec(argv: [String])
    }

    /// What one check does.
    public var probe: Probe
    /// Time between the end of one check and the start of the next (default 5s).
    public var interval: TimeAmount
    /// A check that takes longer fails (default 2s).
    public var timeout: TimeAmount
    /// Consecutive failures before the instance counts as unhealthy (default 3).
    public var retries: Int
    /// Failures during this span after start do not count (default 0s).
    public var startPeriod: TimeAmount
    /// Whether an instance that stays unhealthy is restarted (default `false`: it is only reported and
    /// taken out of dependants' and the balancer's view).
    public var isLiveness: Bool

    /// A check with the compose defaults for everything but the probe.
    public init(
        probe: Probe, interval: TimeAmount = .seconds(Int64(5)), timeout: TimeAmount = .seconds(Int64(2)),
        retries: Int = 3,
        startPeriod: TimeAmount = .zero, isLiveness: Bool = false
    ) {
        self.probe = probe
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.startPeriod = startPeriod
        self.isLiveness = isLiveness
    }
}
