/// A chained hash table from `StoreKey` to `Value` whose entries sit in one dense array: each key is
/// stored once, a random entry (RANDOMKEY, the active expiry cycle's samples) is a random position, O(1),
/// and SCAN walks the buckets with Redis's reverse-binary cursor (`dictScan`).
///
/// `entries` holds each key with its value and the index of the next entry in the same bucket (chains
/// link indices, not pointers: no allocation per entry); `buckets` holds the index of each chain's first
/// entry, -1 for none. A key's bucket is the low bits of its hash, `hash & (buckets.count - 1)`, as in
/// Redis's dict: that is what lets a SCAN cursor survive a resize. The table grows when there are more
/// entries than buckets and shrinks when fewer than one bucket in eight is used; a resize rehashes every
/// key at once (Redis rehashes incrementally).
///
/// Removal moves the last entry into the hole, so a position is valid only until the next removal: use
/// it right after `position(of:)` (read, modify), never as a cursor. Not thread-safe: confined to the owner.
public struct DenseDictionary<Value> {
    @usableFromInline
    struct Entry {
        // Key first, then the link: the Int32 fits in the padding after StoreKey's 26 bytes.
        @usableFromInline var key: StoreKey
        @usableFromInline var next: Int32
        @usableFromInline var value: Value
    }

    @usableFromInline var entries: [Entry] = []
    /// When each entry was last used, parallel to `entries`: empty unless `tracksAccess` (maxmemory with an
    /// LRU policy), so a store without eviction pays nothing for it.
    @usableFromInline var stamps: [UInt32] = []
    /// Whether `stamps` is kept.
    public private(set) var tracksAccess = false
    /// The stamp new entries get: the owner's coarse clock.
    public var currentStamp: UInt32 = 0
    /// The first entry of each bucket's chain, -1 when empty; the count is 0 or a power of two.
    @usableFromInline var buckets: [Int32] = []

    /// The fewest buckets once there is any entry.
    static var minimumBuckets: Int { 4 }

    /// An empty dictionary.
    public init() {}

    /// How many entries.
    @inlinable public var count: Int { entries.count }

    /// Whether there are no entries.
    @inlinable public var isEmpty: Bool { entries.isEmpty }

    /// How many buckets the table has now (tests, INFO).
    public var bucketCount: Int { buckets.count }

    /// The keys by position (positions run from 0 to `count - 1`).
    public var keys: Keys { Keys(entries: entries) }

    /// The values by position, parallel to `keys`.
    public var values: Values { Values(entries: entries) }

    // MARK: - Lookups

    @inlinable
    static func hash(_ key: StoreKey) -> Int { key.hashValue }

    /// The index of `key`'s entry in the bucket `bucket`, or -1.
    @inlinable
    func find(_ key: StoreKey, inBucket bucket: Int) -> Int32 {
        var index = buckets[bucket]
        while index >= 0 {
            if entries[Int(index)].key == key { return index }
            index = entries[Int(index)].next
        }
        return -1
    }

    /// The position of `key`, or nil.
    @inlinable
    public func position(of key: StoreKey) -> Int? {
        guard !buckets.isEmpty else { return nil }
        let index = find(key, inBucket: Self.hash(key) & (buckets.count - 1))
        return index < 0 ? nil : Int(index)
    }

    /// The value for `key`, or nil.
    @inlinable
    public subscript(key: StoreKey) -> Value? {
        guard let position = position(of: key) else { return nil }
        return entries[position].value
    }

    /// The key at `position`.
    @inlinable
    public func key(at position: Int) -> StoreKey { entries[position].key }

    /// The value at `position`.
    @inlinable
    public func value(at position: Int) -> Value { entries[position].value }

    // MARK: - Writes

    /// Sets the value for `key`, inserting it at the end when new.
    public mutating func set(_ value: Value, for key: StoreKey) {
        let hash = Self.hash(key)
        if !buckets.isEmpty {
            let index = find(key, inBucket: hash & (buckets.count - 1))
            if index >= 0 {
                entries[Int(index)].value = value
                return
            }
        }
        if entries.count >= buckets.count { resize(buckets: Swift.max(Self.minimumBuckets, buckets.count * 2)) }
        precondition(entries.count < Int32.max, "DenseDictionary holds at most Int32.max - 1 entries")
        let bucket = hash & (buckets.count - 1)
        entries.append(Entry(key: key, next: buckets[bucket], value: value))
        if tracksAccess { stamps.append(currentStamp) }
        buckets[bucket] = Int32(entries.count - 1)
    }

    // MARK: - Access stamps

    /// Starts keeping a last-use stamp per entry, every existing entry stamped `currentStamp`.
    public mutating func startTrackingAccess() {
        guard !tracksAccess else { return }
        stamps = Array(repeating: currentStamp, count: entries.count)
        tracksAccess = true
    }

    /// Stops keeping stamps and frees them.
    public mutating func stopTrackingAccess() {
        stamps = []
        tracksAccess = false
    }

    /// Records a use of the entry at `position` (a lookup) when stamps are kept.
    @inlinable
    public mutating func recordAccess(at position: Int) {
        if tracksAccess { stamps[position] = currentStamp }
    }

    /// The last-use stamp of the entry at `position`; `currentStamp` when stamps are not kept.
    public func stamp(at position: Int) -> UInt32 { tracksAccess ? stamps[position] : currentStamp }

    /// Mutates the value at `position` in place (no copy of a large hash).
    @inlinable
    public mutating func modify<R>(at position: Int, _ body: (inout Value) -> R) -> R {
        body(&entries[position].value)
    }

    /// Removes `key`; returns its value, or nil when absent.
    @discardableResult
    public mutating func remove(_ key: StoreKey) -> Value? {
        guard !buckets.isEmpty else { return nil }
        let mask = buckets.count - 1
        let bucket = Self.hash(key) & mask
        var previous: Int32 = -1
        var index = buckets[bucket]
        while index >= 0 && entries[Int(index)].key != key {
            previous = index
            index = entries[Int(index)].next
        }
        guard index >= 0 else { return nil }
        unlink(index, previous: previous, bucket: bucket)
        let last = Int32(entries.count - 1)
        if index != last {
            // The last entry moves into the hole: whatever pointed at it now points at `index`.
            let lastBucket = Self.hash(entries[Int(last)].key) & mask
            if buckets[lastBucket] == last {
                buckets[lastBucket] = index
            } else {
                var link = buckets[lastBucket]
                while entries[Int(link)].next != last { link = entries[Int(link)].next }
                entries[Int(link)].next = index
            }
            entries.swapAt(Int(index), Int(last))
            if tracksAccess { stamps.swapAt(Int(index), Int(last)) }
        }
        if tracksAccess { stamps.removeLast() }
        let removed = entries.removeLast()
        if buckets.count > Self.minimumBuckets && entries.count * 8 < buckets.count { shrink() }
        return removed.value
    }

    /// Removes every entry.
    public mutating func removeAll() {
        entries = []
        buckets = []
        if tracksAccess { stamps = [] }
    }

    private mutating func unlink(_ index: Int32, previous: Int32, bucket: Int) {
        if previous < 0 {
            buckets[bucket] = entries[Int(index)].next
        } else {
            entries[Int(previous)].next = entries[Int(index)].next
        }
    }

    // MARK: - Resizing

    /// Rebuilds the chains for `count` buckets (a power of two).
    private mutating func resize(buckets count: Int) {
        buckets = Array(repeating: -1, count: count)
        let mask = count - 1
        for index in entries.indices {
            let bucket = Self.hash(entries[index].key) & mask
            entries[index].next = buckets[bucket]
            buckets[bucket] = Int32(index)
        }
    }

    /// Halves the buckets until the table is at least half full, and gives back the entries' spare capacity.
    private mutating func shrink() {
        var count = buckets.count
        while count > Self.minimumBuckets && entries.count * 2 <= count { count /= 2 }
        if entries.capacity > 2 * entries.count {
            var compact: [Entry] = []
            compact.reserveCapacity(entries.count)
            compact.append(contentsOf: entries)
            entries = compact
        }
        if entries.isEmpty {
            buckets = []
        } else {
            resize(buckets: count)
        }
    }
}

// MARK: - SCAN

extension DenseDictionary {
    /// Calls `body` with the position of every entry in the bucket `cursor` names and returns the cursor of
    /// the next bucket, 0 when the scan is complete: Redis's `dictScan` for one table.
    ///
    /// The cursor counts up in bit-reversed order (the high bits of the bucket index change fastest), so
    /// when the table doubles or halves between two calls, the buckets still to visit in the new table
    /// hold exactly the keys of the buckets still to visit in the old one. A scan that starts at 0 and
    /// runs until 0 comes back therefore returns every key present for its whole duration, at least once
    /// (a key may come twice after the table shrinks). `body` must not change the dictionary.
    public func scan(cursor: Int, _ body: (Int) -> Void) -> Int {
        guard !buckets.isEmpty else { return 0 }
        let mask = UInt64(buckets.count - 1)
        var cursor = UInt64(truncatingIfNeeded: cursor)
        var index = buckets[Int(cursor & mask)]
        while index >= 0 {
            let next = entries[Int(index)].next
            body(Int(index))
            index = next
        }
        // Set the bits above the mask so that incrementing the reversed cursor carries into the masked bits.
        cursor |= ~mask
        cursor = (cursor.bitReversed &+ 1).bitReversed
        return Int(truncatingIfNeeded: cursor)
    }
}

extension UInt64 {
    /// The bits in reverse order (bit 0 becomes bit 63).
    @usableFromInline
    var bitReversed: UInt64 {
        var value = self
        value = ((value >> 1) & 0x5555_5555_5555_5555) | ((value & 0x5555_5555_5555_5555) << 1)
        value = ((value >> 2) & 0x3333_3333_3333_3333) | ((value & 0x3333_3333_3333_3333) << 2)
        value = ((value >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((value & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        return value.byteSwapped
    }
}

// MARK: - Views by position

extension DenseDictionary {
    /// The keys of a dictionary by position: a snapshot (copy-on-write) of its entries.
    public struct Keys: RandomAccessCollection {
        @usableFromInline let entries: [Entry]

        @usableFromInline init(entries: [Entry]) { self.entries = entries }

        /// 0.
        @inlinable public var startIndex: Int { 0 }
        /// The count of entries.
        @inlinable public var endIndex: Int { entries.count }
        /// The key at `position`.
        @inlinable public subscript(position: Int) -> StoreKey { entries[position].key }
    }

    /// The values of a dictionary by position: a snapshot (copy-on-write) of its entries.
    public struct Values: RandomAccessCollection {
        @usableFromInline let entries: [Entry]

        @usableFromInline init(entries: [Entry]) { self.entries = entries }

        /// 0.
        @inlinable public var startIndex: Int { 0 }
        /// The count of entries.
        @inlinable public var endIndex: Int { entries.count }
        /// The value at `position`.
        @inlinable public subscript(position: Int) -> Value { entries[position].value }
    }
}
