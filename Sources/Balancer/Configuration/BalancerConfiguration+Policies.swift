import Core

extension BalancerConfiguration {
    /// The health state of an upstream first seen at `now`, with this configuration's checks and
    /// passive settings.
    public func makeHealth(now: Instant) -> UpstreamHealth {
        UpstreamHealth(
            checksEnabled: healthCheck.isEnabled, rise: healthCheck.rise, fall: healthCheck.fall,
            maxFails: passive.maxFails, failTimeout: passive.failTimeout, now: now)
    }

    /// A selector for this configuration's algorithm; give each event loop its own `seed`.
    public func makeSelector(seed: UInt64) -> UpstreamSelector {
        UpstreamSelector(algorithm: algorithm, seed: seed)
    }

    /// The retry rule with this configuration's `retries`.
    public var retryPolicy: RetryPolicy { RetryPolicy(retries: retries) }

    /// A per-client limiter, or nil when `rate_limit` is off.
    ///
    /// - Parameter share: how many limiters split the rate (one per event loop: each gets `1/share` of
    ///   the rate, and at least one token of burst), since a client's connections may land on any loop.
    public func makeRateLimiter(share: Int = 1) -> ClientRateLimiter? {
        guard let rateLimit else { return nil }
        let share = max(1, share)
        return ClientRateLimiter(
            rate: rateLimit.requestsPerSecond / Double(share),
            burst: max(1, (rateLimit.burst + share - 1) / share))
    }
}
