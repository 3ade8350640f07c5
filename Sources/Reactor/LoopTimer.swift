import Core

/// A callback scheduled on an event loop; cancel it to stop it from firing.
///
/// Confined to its loop's thread: create, cancel and fire happen there only.
public final class LoopTimer {
    /// When it fires.
    public let deadline: Instant
    /// Tie-breaker so timers with the same deadline fire in scheduling order.
    let sequence: UInt64
    var body: (() -> Void)?

    init(deadline: Instant, sequence: UInt64, body: @escaping () -> Void) {
        self.deadline = deadline
        self.sequence = sequence
        self.body = body
    }

    /// Whether the timer will still fire.
    public var isPending: Bool { body != nil }

    /// Stops the timer from firing (a no-op if it already fired). Loop thread only.
    public func cancel() { body = nil }

    func fires(before other: LoopTimer) -> Bool {
        deadline < other.deadline || (deadline == other.deadline && sequence < other.sequence)
    }
}

/// A binary min-heap of timers by deadline. Cancelled timers stay until they reach the top.
struct TimerHeap {
    private(set) var items: [LoopTimer] = []

    var first: LoopTimer? { items.first }
    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }

    mutating func insert(_ timer: LoopTimer) {
        items.append(timer)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].fires(before: items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeFirst() -> LoopTimer? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && items[left].fires(before: items[smallest]) { smallest = left }
            if right < items.count && items[right].fires(before: items[smallest]) { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
