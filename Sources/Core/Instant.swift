#if canImport(Glibc)
    import Glibc
#endif

/// A point on the monotonic clock (CLOCK_MONOTONIC), in nanoseconds.
///
/// State machines take an `Instant` as a parameter instead of reading the clock, so tests inject time.
public struct Instant: Hashable, Comparable, Sendable {
    /// Nanoseconds since an arbitrary fixed point (boot, on Linux).
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The current monotonic time.
    @inlinable public static var now: Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    /// A time earlier than any real one.
    public static let distantPast = Instant(nanoseconds: .min / 2)
    /// A time later than any real one.
    public static let distantFuture = Instant(nanoseconds: .max / 2)

    @inlinable public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: Instant, b: TimeAmount) -> Instant {
        .init(nanoseconds: a.nanoseconds + b.nanoseconds)
    }
    @inlinable public static func - (a: Instant, b: TimeAmount) -> Instant {
        .init(nanoseconds: a.nanoseconds - b.nanoseconds)
    }
    @inlinable public static func - (a: Instant, b: Instant) -> TimeAmount {
        .init(nanoseconds: a.nanoseconds - b.nanoseconds)
    }
}

/// Wall-clock time for logs and metrics timestamps, in seconds since the Unix epoch.
@inlinable public func wallClockSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
