import Core

/// A token bucket (`rate` tokens a second, at most `burst` saved up) kept as one instant: the generic
/// cell rate algorithm's theoretical arrival time. Equivalent to counting tokens, but exact in integer
/// nanoseconds and a single word per client, which is what a table of 65,536 clients wants.
///
/// The bucket is full when `theoreticalArrival` is not after now; each admitted request pushes it one
/// emission interval (1 / `rate`) later; a request is refused while that would put it more than
/// `burst` intervals ahead of now.
public struct TokenBucket: Sendable, Equatable {
    /// Nanoseconds per token: 1 / rate.
    public let emissionInterval: TimeAmount
    /// How far ahead of now the theoretical arrival may run: (burst - 1) intervals.
    public let burstTolerance: TimeAmount
    /// When the bucket would next be empty-but-one if no request came: the whole state.
    public var theoreticalArrival: Instant = .distantPast

    /// A full bucket refilling `rate` tokens a second (more than 0; fractions allowed) holding `burst`
    /// (at least 1).
    public init(rate: Double, burst: Int) {
        precondition(rate > 0 && burst >= 1, "invalid token bucket")
        // Clamped so that no rate, however tiny, and no burst overflow the instant arithmetic: one token
        // a day at the slowest, and at most about a century of tolerance.
        let interval = min(max(1, (1e9 / rate).rounded()), 86_400e9)
        emissionInterval = .nanoseconds(Int64(interval))
        let tolerance = emissionInterval.nanoseconds.multipliedReportingOverflow(by: Int64(burst - 1))
        burstTolerance = .nanoseconds(tolerance.overflow ? Int64.max / 4 : min(tolerance.partialValue, Int64.max / 4))
    }

    /// Takes a token at `now`: `nil` when one was there (admitted), else how long until one will be.
    /// A refused request takes nothing, so a client hammering a full limiter does not dig itself deeper.
    public mutating func admit(at now: Instant) -> TimeAmount? {
        let arrival = max(theoreticalArrival, now)
        let earliest = arrival - burstTolerance
        if now < earliest { return earliest - now }
        theoreticalArrival = arrival + emissionInterval
        return nil
    }

    /// Whether the bucket has refilled completely by `now`, so forgetting it loses nothing.
    public func isFull(at now: Instant) -> Bool { theoreticalArrival <= now }
}
