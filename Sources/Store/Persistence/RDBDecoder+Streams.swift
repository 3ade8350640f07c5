import RESP

// MARK: - Streams: RDB types 15 (Redis 5 to 6.2), 19 (7.0) and 21 (7.2)

extension RDBDecoder {
    /// Reads a stream of `type`: its radix tree's nodes (a 16-byte big-endian master ID and a listpack
    /// each), the length and last ID, from type 19 the first ID, the largest deleted ID and the count of
    /// entries ever added, then the consumer groups, which are read and dropped.
    ///
    /// Entries flagged deleted are skipped. Throws `malformed` when IDs do not ascend, pass the last ID, or
    /// the length disagrees with the live entries: the stream would break its own invariants otherwise.
    static func readStream(type: UInt8, _ reader: inout RDBReader) throws -> StoreValue {
        let nodeCount = try reader.readLength()
        var entries: [StoreStream.Entry] = []
        for _ in 0..<nodeCount {
            let keyOffset = reader.offset
            let nodeKey = try reader.readString()
            guard nodeKey.count == 16 else {
                throw RDBError(.malformed, "stream node key is not the size of a stream ID", at: keyOffset)
            }
            let masterID = StreamID(bigEndian(nodeKey[0..<8]), bigEndian(nodeKey[8..<16]))
            if let last = entries.last, masterID <= last.id {
                throw RDBError(.malformed, "stream nodes out of order", at: keyOffset)
            }
            let listpackOffset = reader.offset
            let elements = try parseBlob(&reader, listpackElements)
            var node = StreamNodeReader(elements: elements, offset: listpackOffset)
            try node.read(masterID: masterID, into: &entries)
        }
        let length = try reader.readUnsignedLength()
        let lastID = StreamID(try reader.readUnsignedLength(), try reader.readUnsignedLength())
        var entriesAdded = length
        var maxDeletedID = StreamID.zero
        if type >= RDBConstant.typeStreamListpacks2 {
            _ = try reader.readUnsignedLength()  // the first entry's ID: ours is the first in `entries`
            _ = try reader.readUnsignedLength()
            maxDeletedID = StreamID(try reader.readUnsignedLength(), try reader.readUnsignedLength())
            entriesAdded = try reader.readUnsignedLength()
        }
        guard length == entries.count else {
            throw reader.error(.malformed, "stream length \(length) but \(entries.count) entries")
        }
        if let last = entries.last, last.id > lastID {
            throw reader.error(.malformed, "stream entry \(last.id) beyond the last ID \(lastID)")
        }
        try skipConsumerGroups(type: type, &reader)
        return .stream(
            StoreStream(entries: entries, lastID: lastID, entriesAdded: entriesAdded, maxDeletedID: maxDeletedID))
    }

    /// Reads past the consumer groups: name, last delivered ID, (type 19 on) entries read, the pending
    /// entries list (ID, delivery time, delivery count), and the consumers (name, seen time, from type 21
    /// active time, and the IDs they own).
    private static func skipConsumerGroups(type: UInt8, _ reader: inout RDBReader) throws {
        let groupCount = try reader.readLength()
        for _ in 0..<groupCount {
            _ = try reader.readString()
            _ = try reader.readUnsignedLength()
            _ = try reader.readUnsignedLength()
            if type >= RDBConstant.typeStreamListpacks2 { _ = try reader.readUnsignedLength() }
            let pendingCount = try reader.readLength()
            for _ in 0..<pendingCount {
                try reader.skip(16 + 8)
                _ = try reader.readUnsignedLength()
            }
            let consumerCount = try reader.readLength()
            for _ in 0..<consumerCount {
                _ = try reader.readString()
                try reader.skip(type >= RDBConstant.typeStreamListpacks3 ? 16 : 8)
                let ownedCount = try reader.readLength()
                for _ in 0..<ownedCount { try reader.skip(16) }
            }
        }
    }

    private static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// Walks the elements of one stream node's listpack (Redis's t_stream.c layout): the master entry (live
/// count, deleted count, field count, field names, a 0), then each entry (flags, ID differences from the
/// master ID, the field count and fields unless SAMEFIELDS, the values, and the element count).
struct StreamNodeReader {
    let elements: [[UInt8]]
    /// Where the listpack starts in the file, for errors.
    let offset: Int
    private var index = 0

    init(elements: [[UInt8]], offset: Int) {
        self.elements = elements
        self.offset = offset
    }

    /// Appends the node's live entries to `entries`; throws when the node is not well-formed or its IDs
    /// do not ascend past the last of `entries`.
    mutating func read(masterID: StreamID, into entries: inout [StoreStream.Entry]) throws {
        guard !elements.isEmpty else { throw error("empty listpack inside a stream") }
        let liveCount = try nextInteger()
        let deletedCount = try nextInteger()
        let fieldCount = try nextInteger()
        // Each count is bounded by the elements before anything adds them, so nothing can overflow.
        guard (0...elements.count).contains(liveCount), (0...elements.count).contains(deletedCount),
            liveCount + deletedCount > 0, (1...elements.count).contains(fieldCount)
        else { throw error("invalid stream master entry") }
        let masterFields = try (0..<fieldCount).map { _ in try next() }
        guard try nextInteger() == 0 else { throw error("stream master entry without its terminator") }
        var live = 0
        var deleted = 0
        while index < elements.count {
            let flags = try nextInteger()
            let milliseconds = masterID.milliseconds &+ UInt64(bitPattern: Int64(try nextInteger()))
            let sequence = masterID.sequence &+ UInt64(bitPattern: Int64(try nextInteger()))
            let id = StreamID(milliseconds, sequence)
            let hasSameFields = flags & Int(RDBEncoder.streamItemFlagSameFields) != 0
            var fieldsAndValues: [[UInt8]] = []
            if hasSameFields {
                for field in masterFields {
                    fieldsAndValues.append(field)
                    fieldsAndValues.append(try next())
                }
            } else {
                let count = try nextInteger()
                guard count > 0, count <= elements.count else { throw error("invalid stream entry field count") }
                for _ in 0..<2 * count { fieldsAndValues.append(try next()) }
            }
            let expectedElements = hasSameFields ? fieldsAndValues.count / 2 + 3 : fieldsAndValues.count + 4
            guard try nextInteger() == expectedElements else { throw error("invalid stream entry element count") }
            if flags & Int(RDBEncoder.streamItemFlagDeleted) != 0 {
                deleted += 1
                continue
            }
            if let last = entries.last, id <= last.id { throw error("stream entry IDs out of order") }
            if id < masterID { throw error("stream entry ID below its node's master ID") }
            entries.append(StoreStream.Entry(id: id, fieldsAndValues: fieldsAndValues))
            live += 1
        }
        guard live == liveCount, deleted == deletedCount else {
            throw error("stream node counts disagree with its entries")
        }
    }

    private mutating func next() throws -> [UInt8] {
        guard index < elements.count else { throw error("stream listpack ends inside an entry") }
        index += 1
        return elements[index - 1]
    }

    private mutating func nextInteger() throws -> Int {
        let element = try next()
        guard let value = element.withUnsafeBytes({ RESPCommand.parseInteger($0) }) else {
            throw error("a stream listpack element is not an integer")
        }
        return value
    }

    private func error(_ reason: String) -> RDBError { RDBError(.malformed, reason, at: offset) }
}
