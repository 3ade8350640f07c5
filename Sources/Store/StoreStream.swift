/// A stream value: entries ordered by ID, append-only at the tail, as Redis's stream (without its
/// radix tree of listpacks).
///
/// Entries live in an array slice: XADD appends, ranges are found by binary search, and trimming from
/// the head drops a prefix without moving the rest (the slice's storage is compacted when it grows).
/// Approximate trimming (`~`) removes only whole groups of `nodeSize` entries from the head, which is
/// what Redis's node-at-a-time trimming does for streams of small entries. Confined to the keyspace's
/// owner.
public struct StoreStream: Sendable {
    /// One entry: its ID and its fields and values, alternating.
    public struct Entry: Sendable {
        public var id: StreamID
        public var fieldsAndValues: [[UInt8]]
    }

    /// Entries per node in Redis's default configuration (stream-node-max-entries).
    public static let nodeSize = 100

    /// Every entry, ascending by ID. Its indices do not start at 0.
    public private(set) var entries: ArraySlice<Entry> = []
    /// The ID of the last entry ever added (it stays when that entry is deleted).
    public internal(set) var lastID = StreamID.zero
    /// How many entries were ever added.
    public internal(set) var entriesAdded: UInt64 = 0
    /// The largest ID deleted by XDEL so far (Redis's `max_deleted_entry_id`: trimming leaves it).
    public internal(set) var maxDeletedID = StreamID.zero

    /// An empty stream.
    public init() {}

    /// A stream as a snapshot or XSETID describes it: `entries` must ascend by ID and not pass `lastID`
    /// (the loader checks this before calling).
    init(entries: [Entry], lastID: StreamID, entriesAdded: UInt64, maxDeletedID: StreamID) {
        precondition(entries.last.map { $0.id <= lastID } ?? true, "stream entries beyond the last ID")
        self.entries = ArraySlice(entries)
        self.lastID = lastID
        self.entriesAdded = entriesAdded
        self.maxDeletedID = maxDeletedID
    }

    /// How many entries.
    public var count: Int { entries.count }

    /// Adds an entry at the tail; `id` must be above `lastID`.
    public mutating func append(_ id: StreamID, _ fieldsAndValues: [[UInt8]]) {
        precondition(id > lastID, "stream IDs must increase")
        entries.append(Entry(id: id, fieldsAndValues: fieldsAndValues))
        lastID = id
        entriesAdded += 1
    }

    /// The position of the first entry whose ID is not below `id`.
    public func firstIndex(atLeast id: StreamID) -> Int {
        var low = entries.startIndex
        var high = entries.endIndex
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The positions of the entries with IDs in `lower...upper`.
    public func indices(from lower: StreamID, through upper: StreamID) -> Range<Int> {
        guard lower <= upper else { return entries.startIndex..<entries.startIndex }
        let start = firstIndex(atLeast: lower)
        let end = upper == .max ? entries.endIndex : firstIndex(atLeast: upper.successor ?? .max)
        return start..<Swift.max(start, end)
    }

    /// Deletes the entry `id`; returns whether it existed.
    public mutating func remove(_ id: StreamID) -> Bool {
        let position = firstIndex(atLeast: id)
        guard position < entries.endIndex, entries[position].id == id else { return false }
        entries.remove(at: position)
        if id > maxDeletedID { maxDeletedID = id }
        return true
    }

    /// Removes entries from the head while more than `maxLength` remain (MAXLEN) or while their ID is
    /// below `minID` (MINID); at most `limit` of them (0: no limit), in whole nodes when `approximate`.
    /// Returns how many it removed.
    public mutating func trim(maxLength: Int? = nil, minID: StreamID? = nil, approximate: Bool, limit: Int) -> Int {
        var excess = 0
        if let maxLength { excess = Swift.max(0, count - maxLength) }
        if let minID { excess = firstIndex(atLeast: minID) - entries.startIndex }
        if limit > 0 { excess = Swift.min(excess, limit) }
        if approximate { excess -= excess % Self.nodeSize }
        guard excess > 0 else { return 0 }
        entries.removeFirst(excess)
        // An ArraySlice keeps its whole buffer alive: copy the survivors out once the dead prefix dominates.
        if entries.startIndex > 1024 && entries.startIndex > entries.count { entries = ArraySlice(Array(entries)) }
        return excess
    }
}
