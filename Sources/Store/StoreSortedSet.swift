/// A sorted set: members with scores, ordered by score then by member bytes (Redis's zset).
///
/// A dictionary from member to score plus an array of entries kept sorted, searched by binary search.
/// Lookups by member are O(1), by rank or score O(log N), ranges O(log N + M); an insert or a removal
/// shifts the array, O(N) moves of 24-byte entries, which for the sizes this slice serves (thousands)
/// costs less than a skip list's pointer chasing and per-node allocations. A skip list (or a B-tree
/// of chunks) is the upgrade when sets of millions of members matter.
public struct StoreSortedSet: Sendable {
    /// One member and its score.
    public struct Entry: Sendable {
        public var score: Double
        public var member: StoreKey
    }

    private var scores: [StoreKey: Double] = [:]
    /// Every entry, ascending by (score, member).
    public private(set) var entries: [Entry] = []

    /// An empty sorted set.
    public init() {}

    /// How many members.
    public var count: Int { entries.count }

    /// Whether there are no members.
    public var isEmpty: Bool { entries.isEmpty }

    /// The score of `member`, nil when absent.
    public func score(of member: StoreKey) -> Double? { scores[member] }

    /// Sets the score of `member`, adding it when absent; returns whether it was added.
    @discardableResult
    public mutating func set(_ member: StoreKey, score: Double) -> Bool {
        if let old = scores[member] {
            guard old != score else { return false }
            entries.remove(at: index(of: Entry(score: old, member: member)))
            scores[member] = score
            let entry = Entry(score: score, member: member)
            entries.insert(entry, at: index(of: entry))
            return false
        }
        scores[member] = score
        let entry = Entry(score: score, member: member)
        entries.insert(entry, at: index(of: entry))
        return true
    }

    /// Removes `member`; returns whether it was there.
    @discardableResult
    public mutating func remove(_ member: StoreKey) -> Bool {
        guard let score = scores.removeValue(forKey: member) else { return false }
        entries.remove(at: index(of: Entry(score: score, member: member)))
        return true
    }

    /// The 0-based rank of `member` in ascending order, nil when absent.
    public func rank(of member: StoreKey) -> Int? {
        guard let score = scores[member] else { return nil }
        return index(of: Entry(score: score, member: member))
    }

    /// The index of the first entry not below `score` (above it when `exclusive`).
    public func firstIndex(atLeast score: Double, exclusive: Bool) -> Int {
        partitioningIndex { exclusive ? $0.score > score : $0.score >= score }
    }

    /// The index just past the last entry not above `score` (below it when `exclusive`).
    public func endIndex(atMost score: Double, exclusive: Bool) -> Int {
        partitioningIndex { exclusive ? $0.score >= score : $0.score > score }
    }

    /// Where `entry` is or would be inserted.
    private func index(of entry: Entry) -> Int { partitioningIndex { !Self.precedes($0, entry) } }

    /// The first index whose entry satisfies `predicate`, which must be false then true along the array.
    public func partitioningIndex(_ predicate: (Entry) -> Bool) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if predicate(entries[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Redis's order: by score, then by member bytes.
    static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        if a.score != b.score { return a.score < b.score }
        return a.member.withUnsafeBytes { x in b.member.withUnsafeBytes { y in x.lexicographicallyPrecedes(y) } }
    }
}
