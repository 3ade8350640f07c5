import Core
import RESP

/// Writes a keyspace as the shortest commands that rebuild it: the body of a rewritten AOF (Redis's
/// `rewriteAppendOnlyFile`). Pure: bytes out through `flush`, in chunks, so a big keyspace never sits
/// in memory twice.
///
/// Collections go out in commands of at most `itemsPerCommand` elements (Redis's
/// `AOF_REWRITE_ITEMS_PER_CMD`, 64), deadlines as `PEXPIREAT`. A stream goes out as one XADD per entry
/// and an XSETID restoring its last ID, entries-added count and largest deleted ID (Redis 7.0's
/// `rewriteStreamObject`).
public struct KeyspaceCommandWriter {
    /// Elements per RPUSH/SADD/ZADD/HSET.
    public static let itemsPerCommand = 64
    /// Bytes buffered before `flush` is called.
    public static let chunkSize = 64 * 1024

    private var buffer = ByteBuffer()
    private let flush: (ByteBuffer) throws -> Void

    /// A writer handing chunks of at least `chunkSize` bytes (the last one smaller) to `flush`.
    public init(flush: @escaping (ByteBuffer) throws -> Void) { self.flush = flush }

    /// Writes every key of `keyspace` that has not expired at `now`, then flushes the rest.
    public mutating func write(_ keyspace: Keyspace, now: Int64) throws {
        let entries = keyspace.entries
        for position in 0..<entries.count {
            let key = entries.keys[position]
            let deadline = keyspace.deadline(of: key)
            if let deadline, deadline <= now { continue }
            try write(key: key, value: entries.values[position], deadline: deadline)
        }
        try finish()
    }

    /// Writes the commands for one key.
    public mutating func write(key: StoreKey, value: StoreValue, deadline: Int64?) throws {
        let keyBytes = key.bytes
        switch value {
        case .string, .inlineString, .integer:
            command(["SET"], keyBytes, [value.stringBytes ?? []])
        case .list(let list):
            batches(Array(list), "RPUSH", keyBytes) { [$0] }
        case .set(let set):
            batches(set.members, "SADD", keyBytes) { [$0.bytes] }
        case .sortedSet(let sortedSet):
            batches(sortedSet.entries, "ZADD", keyBytes) { entry in
                [Array(StoreArguments.formatDouble(entry.score).utf8), entry.member.bytes]
            }
        case .hash(let hash):
            batches(Array(hash), "HSET", keyBytes) { [$0.key.bytes, $0.value] }
        case .stream(let stream):
            for entry in stream.entries {
                command(["XADD"], keyBytes, [Array(entry.id.description.utf8)] + entry.fieldsAndValues)
            }
            // An empty stream exists too: make one with an entry trimmed away at once, as Redis does.
            if stream.count == 0 {
                command(["XADD"], keyBytes, ["MAXLEN", "0", "0-1", "x", "y"].map { Array($0.utf8) })
            }
            // The XADDs leave the last ID at the last surviving entry and count only those: set the rest.
            let state = [
                stream.lastID.description, "ENTRIESADDED", String(stream.entriesAdded), "MAXDELETEDID",
                stream.maxDeletedID.description,
            ]
            command(["XSETID"], keyBytes, state.map { Array($0.utf8) })
        }
        if let deadline { command(["PEXPIREAT"], keyBytes, [Array(String(deadline).utf8)]) }
        if buffer.readableBytes >= Self.chunkSize { try finish() }
    }

    /// Flushes what is buffered.
    public mutating func finish() throws {
        guard !buffer.isEmpty else { return }
        try flush(buffer)
        buffer.clear()
    }

    private mutating func batches<Element>(
        _ elements: [Element], _ name: String, _ key: [UInt8], _ render: (Element) -> [[UInt8]]
    ) {
        var start = 0
        while start < elements.count {
            let end = min(start + Self.itemsPerCommand, elements.count)
            let items = elements[start..<end].flatMap(render)
            command([name], key, items)
            start = end
        }
    }

    private mutating func command(_ name: [String], _ key: [UInt8], _ items: [[UInt8]]) {
        buffer.writeRESPArrayHeader(2 + items.count)
        buffer.writeRESPBulkString(name[0])
        buffer.writeRESPBulkString(key)
        for item in items { buffer.writeRESPBulkString(item) }
    }
}
