/// A signed span of time in nanoseconds: cheap integer arithmetic for timers and state machines.
public struct TimeAmount: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The span in nanoseconds.
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    @inlinable public static func nanoseconds(_ n: Int64) -> TimeAmount { TimeAmount(nanoseconds: n) }
    @inlinable public static func microseconds(_ n: Int64) -> TimeAmount { TimeAmount(nanoseconds: n * 1_000) }
    @inlinable public static func milliseconds(_ n: Int64) -> TimeAmount { TimeAmount(nanoseconds: n * 1_000_000) }
    @inlinable public static func seconds(_ n: Int64) -> TimeAmount { TimeAmount(nanoseconds: n * 1_000_000_000) }
    /// A span from fractional seconds (configuration values such as `0.5`).
    @inlinable public static func seconds(_ s: Double) -> TimeAmount { TimeAmount(nanoseconds: Int64(s * 1e9)) }
    public static let zero = TimeAmount(nanoseconds: 0)

    /// The span in (fractional) seconds.
    @inlinable public var seconds: Double { Double(nanoseconds) / 1e9 }
    /// The span in whole milliseconds, rounded up so a timeout never fires early.
    @inlinable public var milliseconds: Int64 { (nanoseconds + 999_999) / 1_000_000 }

    @inlinable public static func < (a: TimeAmount, b: TimeAmount) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: TimeAmount, b: TimeAmount) -> TimeAmount {
        .init(nanoseconds: a.nanoseconds + b.nanoseconds)
    }
    @inlinable public static func - (a: TimeAmount, b: TimeAmount) -> TimeAmount {
        .init(nanoseconds: a.nanoseconds - b.nanoseconds)
    }
    @inlinable public static func * (a: TimeAmount, k: Int64) -> TimeAmount { .init(nanoseconds: a.nanoseconds * k) }

    /// Go-style rendering (`1.5s`, `250ms`), as Prometheus and logs print durations.
    public var description: String {
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
        if nanoseconds % 1_000 == 0 { return "\(nanoseconds / 1_000)us" }
        return "\(nanoseconds)ns"
    }
}
