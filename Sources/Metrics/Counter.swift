import Core
import Synchronization

/// A monotonically increasing total, such as requests served or bytes written.
///
/// Every method may be called from any thread without a lock: whole increments are one relaxed atomic
/// add; fractional ones (`increment(by: Double)`) are a compare-and-swap loop on a second, floating-point
/// cell, so the integer fast path never contends with them.
public final class Counter: Sendable {
    /// The sum of the integral increments.
    @usableFromInline let whole = Atomic<UInt64>(0)
    /// The sum of the fractional increments, as the bit pattern of a `Double`.
    private let fractional = Atomic<UInt64>(0)

    /// A counter at zero; families make them.
    init() {}

    /// Adds one.
    @inlinable
    public func increment() {
        whole.wrappingAdd(1, ordering: .relaxed)
    }

    /// Adds `amount`.
    @inlinable
    public func increment(by amount: UInt64) {
        whole.wrappingAdd(amount, ordering: .relaxed)
    }

    /// Adds `amount`, which must not be negative (a counter never decreases).
    @inlinable
    public func increment(by amount: Int) {
        precondition(amount >= 0, "a counter cannot decrease (increment by \(amount))")
        whole.wrappingAdd(UInt64(amount), ordering: .relaxed)
    }

    /// Adds `amount` (seconds of CPU, say), which must be zero or more.
    public func increment(by amount: Double) {
        precondition(amount >= 0, "a counter cannot decrease or add NaN (increment by \(amount))")
        var current = fractional.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + amount).bitPattern
            let (exchanged, original) = fractional.weakCompareExchange(
                expected: current, desired: next, successOrdering: .relaxed, failureOrdering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// The current total.
    public var value: Double {
        Double(whole.load(ordering: .relaxed)) + Double(bitPattern: fractional.load(ordering: .relaxed))
    }

    /// Replaces the total with a value read from elsewhere (the kernel's CPU time, for process metrics).
    ///
    /// Only for collectors that mirror an external monotonic total; not a public operation, since a
    /// counter that callers could set would no longer be a counter.
    func mirror(_ total: Double) {
        whole.store(0, ordering: .relaxed)
        fractional.store(total.bitPattern, ordering: .relaxed)
    }
}
