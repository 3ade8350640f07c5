import Core
import Synchronization

/// Observations (latencies, sizes) counted into buckets by upper bound, with their sum and count.
///
/// Each observation is one relaxed atomic add on its bucket plus a compare-and-swap on the sum; any
/// thread, no lock. Buckets are stored non-cumulatively (so an observation touches one cell) and summed
/// at scrape time; the count is that same sum, so the `+Inf` bucket always equals `_count`. A scrape that
/// races observations may see the sum a few observations ahead of or behind the buckets, as with every
/// lock-free Prometheus client.
public final class Histogram: @unchecked Sendable {
    // @unchecked: `counts` is a raw buffer, but it holds only `Atomic` cells, is allocated in init,
    // never resized, and freed in deinit, so sharing it across threads is safe.

    /// The default bounds, in seconds, that Prometheus client libraries use for request latencies.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// `count` bounds starting at `start`, each `factor` times the previous (`start` > 0, `factor` > 1).
    public static func exponentialBuckets(start: Double, factor: Double, count: Int) -> [Double] {
        precondition(start > 0 && factor > 1 && count > 0, "exponential buckets need start > 0, factor > 1")
        return (0..<count).reduce(into: []) { bounds, _ in bounds.append(bounds.last.map { $0 * factor } ?? start) }
    }

    /// The finite upper bounds, strictly increasing; the implicit last bucket is `+Inf`.
    public let upperBounds: [Double]
    /// One cell per finite bound plus one for `+Inf`; cell `i` counts observations in (bound[i-1], bound[i]].
    private let counts: UnsafeMutablePointer<Atomic<UInt64>>
    private let sumBits = Atomic<UInt64>(0)

    /// An empty histogram over `upperBounds` (finite, strictly increasing: the registry checks); families make them.
    init(upperBounds: [Double]) {
        self.upperBounds = upperBounds
        counts = .allocate(capacity: upperBounds.count + 1)
        for index in 0...upperBounds.count {
            (counts + index).initialize(to: Atomic(0))
        }
    }

    deinit {
        counts.deinitialize(count: upperBounds.count + 1)
        counts.deallocate()
    }

    /// Records one observation of `value` (seconds, for a latency). NaN lands in `+Inf` and poisons the sum.
    public func observe(_ value: Double) {
        counts[bucketIndex(value)].wrappingAdd(1, ordering: .relaxed)
        var current = sumBits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + value).bitPattern
            let (exchanged, original) = sumBits.weakCompareExchange(
                expected: current, desired: next, successOrdering: .relaxed, failureOrdering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Records one duration, in seconds.
    public func observe(_ duration: TimeAmount) {
        observe(duration.seconds)
    }

    /// The cumulative count of each finite bucket, then the total (the `+Inf` bucket), and the sum.
    public func snapshot() -> (cumulativeCounts: [UInt64], count: UInt64, sum: Double) {
        var cumulative: [UInt64] = []
        cumulative.reserveCapacity(upperBounds.count)
        var running: UInt64 = 0
        for index in 0..<upperBounds.count {
            running &+= counts[index].load(ordering: .relaxed)
            cumulative.append(running)
        }
        running &+= counts[upperBounds.count].load(ordering: .relaxed)
        return (cumulative, running, Double(bitPattern: sumBits.load(ordering: .relaxed)))
    }

    /// The first bucket whose bound is >= `value` (bounds are inclusive, `le`), by binary search.
    private func bucketIndex(_ value: Double) -> Int {
        var low = 0
        var high = upperBounds.count
        while low < high {
            let middle = (low + high) / 2
            if value <= upperBounds[middle] { high = middle } else { low = middle + 1 }
        }
        // NaN compares false everywhere, so it falls through to the +Inf cell.
        return low
    }
}
