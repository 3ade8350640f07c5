/// The last `capacity` bytes of the replication stream, so a replica that lost its link for a while
/// can continue from where it stopped instead of a full resync (Redis's `repl_backlog`).
///
/// Offsets count stream bytes from 1, as Redis's do: `masterOffset` is the number of the last byte
/// written (0: none yet), and a replica asks to continue from the next byte it needs. A ring buffer of
/// bytes; pure, confined to the keyspace's thread.
public struct ReplicationBacklog {
    /// Most bytes kept (repl-backlog-size).
    public let capacity: Int
    /// Number of the last byte written to the stream (Redis's `master_repl_offset`).
    public private(set) var masterOffset: Int
    /// How many bytes are held, at most `capacity`.
    public private(set) var historyLength = 0
    private var storage: [UInt8]
    /// Where the next byte goes in `storage`.
    private var writeIndex = 0

    /// An empty backlog whose next byte will be number `masterOffset + 1`.
    public init(capacity: Int, masterOffset: Int = 0) {
        precondition(capacity > 0, "a backlog needs room")
        self.capacity = capacity
        self.masterOffset = masterOffset
        storage = []
    }

    /// Number of the first byte held (`masterOffset + 1` when empty: Redis's `repl_backlog_off`).
    public var firstOffset: Int { masterOffset - historyLength + 1 }

    /// Appends stream bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if storage.isEmpty { storage = [UInt8](repeating: 0, count: capacity) }
        masterOffset += bytes.count
        // Only the last `capacity` bytes can survive.
        let kept = bytes.count > capacity ? UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - capacity)...]) : bytes
        var source = 0
        while source < kept.count {
            let room = capacity - writeIndex
            let chunk = min(room, kept.count - source)
            storage.withUnsafeMutableBytes { destination in
                destination.baseAddress!.advanced(by: writeIndex).copyMemory(
                    from: kept.baseAddress!.advanced(by: source), byteCount: chunk)
            }
            writeIndex = (writeIndex + chunk) % capacity
            source += chunk
        }
        historyLength = min(capacity, historyLength + bytes.count)
    }

    /// Appends stream bytes (tests).
    public mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// Whether a replica that next needs byte `offset` can continue from here.
    public func canContinue(from offset: Int) -> Bool {
        offset >= firstOffset && offset <= masterOffset + 1
    }

    /// The bytes from number `offset` to the end; nil when they are no longer (or not yet) held.
    public func bytes(from offset: Int) -> [UInt8]? {
        guard canContinue(from: offset) else { return nil }
        let count = masterOffset - offset + 1
        guard count > 0 else { return [] }
        var start = writeIndex - count
        if start < 0 { start += capacity }
        if start + count <= capacity { return Array(storage[start..<(start + count)]) }
        return Array(storage[start...]) + Array(storage[..<(count - (capacity - start))])
    }

    /// Starts over at `masterOffset` with nothing held (a replica that just loaded a full sync).
    public mutating func reset(masterOffset: Int) {
        self.masterOffset = masterOffset
        historyLength = 0
        writeIndex = 0
    }
}
