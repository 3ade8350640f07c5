/// A list value: a ring buffer of byte strings, so pushes and pops at either end cost O(1) (amortised)
/// and indexing costs O(1), as Redis's quicklist gives LPUSH/RPOP and LINDEX near the ends.
///
/// The buffer's capacity is a power of two; free slots hold an empty array, so they keep no storage alive.
/// Not thread-safe: confined to the keyspace's owner.
public struct StoreList: Sendable {
    private var storage: [[UInt8]] = []
    private var head = 0
    /// How many elements.
    public private(set) var count = 0

    /// An empty list.
    public init() {}

    /// A list of `elements`, in order.
    public init(_ elements: some Sequence<[UInt8]>) {
        for element in elements { append(element) }
    }

    /// Whether the list has no elements.
    public var isEmpty: Bool { count == 0 }

    private func slot(_ index: Int) -> Int { (head &+ index) & (storage.count &- 1) }

    /// The element at `index` (0 is the head); `index` must be in `0..<count`.
    public subscript(index: Int) -> [UInt8] {
        get {
            precondition(index >= 0 && index < count, "list index out of range")
            return storage[slot(index)]
        }
        set {
            precondition(index >= 0 && index < count, "list index out of range")
            storage[slot(index)] = newValue
        }
    }

    /// Adds `element` at the tail (RPUSH).
    public mutating func append(_ element: [UInt8]) {
        if count == storage.count { resize(to: Swift.max(8, storage.count * 2)) }
        storage[slot(count)] = element
        count += 1
    }

    /// Adds `element` at the head (LPUSH).
    public mutating func prepend(_ element: [UInt8]) {
        if count == storage.count { resize(to: Swift.max(8, storage.count * 2)) }
        head = (head &- 1) & (storage.count - 1)
        storage[head] = element
        count += 1
    }

    /// Removes and returns the head; the list must not be empty.
    public mutating func removeFirst() -> [UInt8] {
        precondition(count > 0, "removeFirst on an empty list")
        let element = storage[head]
        storage[head] = []
        head = (head + 1) & (storage.count - 1)
        count -= 1
        shrinkIfSparse()
        return element
    }

    /// Removes and returns the tail; the list must not be empty.
    public mutating func removeLast() -> [UInt8] {
        precondition(count > 0, "removeLast on an empty list")
        let position = slot(count - 1)
        let element = storage[position]
        storage[position] = []
        count -= 1
        shrinkIfSparse()
        return element
    }

    /// Keeps only the elements at `range` (LTRIM); O(kept elements).
    public mutating func keep(_ range: Range<Int>) {
        rebuild(range.map { self[$0] })
    }

    /// Removes up to `limit` elements equal to `element` (0: no limit), scanning from the tail when
    /// `fromTail` (LREM with a negative count). Returns how many it removed.
    public mutating func remove(_ element: [UInt8], limit: Int, fromTail: Bool) -> Int {
        var kept: [[UInt8]] = []
        kept.reserveCapacity(count)
        var removed = 0
        let order = fromTail ? Array((0..<count).reversed()) : Array(0..<count)
        for index in order {
            let candidate = self[index]
            if (limit == 0 || removed < limit) && candidate == element {
                removed += 1
            } else {
                kept.append(candidate)
            }
        }
        guard removed > 0 else { return 0 }
        rebuild(fromTail ? kept.reversed() : kept)
        return removed
    }

    private mutating func rebuild(_ elements: [[UInt8]]) {
        storage = []
        head = 0
        count = 0
        for element in elements { append(element) }
    }

    /// Halves the buffer when it is less than a quarter full, so a drained list gives its memory back.
    private mutating func shrinkIfSparse() {
        if storage.count > 8 && count * 4 < storage.count { resize(to: storage.count / 2) }
    }

    private mutating func resize(to capacity: Int) {
        var resized: [[UInt8]] = []
        resized.reserveCapacity(capacity)
        for index in 0..<count { resized.append(storage[slot(index)]) }
        resized.append(contentsOf: repeatElement([], count: capacity - count))
        storage = resized
        head = 0
    }
}

extension StoreList: Sequence {
    /// The elements from head to tail.
    public func makeIterator() -> IndexingIterator<[[UInt8]]> {
        (0..<count).map { self[$0] }.makeIterator()
    }
}
