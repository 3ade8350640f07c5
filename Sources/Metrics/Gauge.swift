import Synchronization

/// A value that goes up and down, such as open connections, queue depth or a keyspace size.
///
/// Stored as the bit pattern of a `Double` in one atomic: `set` is a store, the arithmetic is a
/// compare-and-swap loop. Any thread, no lock.
public final class Gauge: Sendable {
    private let bits = Atomic<UInt64>(0)

    /// A gauge at zero; families make them.
    init() {}

    /// Replaces the value.
    public func set(_ value: Double) {
        bits.store(value.bitPattern, ordering: .relaxed)
    }

    /// Adds `delta`, which may be negative.
    public func add(_ delta: Double) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + delta).bitPattern
            let (exchanged, original) = bits.weakCompareExchange(
                expected: current, desired: next, successOrdering: .relaxed, failureOrdering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Adds `amount` (one by default).
    public func increment(by amount: Double = 1) {
        add(amount)
    }

    /// Subtracts `amount` (one by default).
    public func decrement(by amount: Double = 1) {
        add(-amount)
    }

    /// The current value.
    public var value: Double {
        Double(bitPattern: bits.load(ordering: .relaxed))
    }
}
