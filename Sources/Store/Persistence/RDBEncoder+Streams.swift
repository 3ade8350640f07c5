// MARK: - Streams as Redis 5 to 7.0 lay them out (RDB_TYPE_STREAM_LISTPACKS)

extension RDBEncoder {
    /// Entries per node at most (Redis's default stream-node-max-entries).
    static let streamNodeMaxEntries = StoreStream.nodeSize
    /// Bytes per node's listpack, at most (Redis's default stream-node-max-bytes).
    static let streamNodeMaxBytes = 4096

    /// Writes `stream` as type 15: the nodes of its radix tree (each a 16-byte big-endian master ID and a
    /// listpack), then the length, the last ID and no consumer groups.
    ///
    /// Nodes are cut where Redis's `streamAppendItem` cuts them when the entries are added in order: a
    /// new node once the tail one holds `streamNodeMaxEntries` entries, or once its listpack plus the
    /// new entry's fields and values would reach `streamNodeMaxBytes`. Version 9 has no place for the
    /// entries-added count or the largest deleted ID: Redis sets them to the length and 0-0 on load.
    mutating func writeStream(key: StoreKey, stream: StoreStream) {
        bytes.append(RDBConstant.typeStreamListpacks)
        writeString(key)
        let nodes = Self.streamNodes(stream.entries)
        writeLength(nodes.count)
        for node in nodes {
            var nodeKey: [UInt8] = []
            withUnsafeBytes(of: node.masterID.milliseconds.bigEndian) { nodeKey.append(contentsOf: $0) }
            withUnsafeBytes(of: node.masterID.sequence.bigEndian) { nodeKey.append(contentsOf: $0) }
            writeString(nodeKey)
            writeString(node.listpack)
        }
        writeLength(stream.count)
        writeUnsignedLength(stream.lastID.milliseconds)
        writeUnsignedLength(stream.lastID.sequence)
        writeLength(0)  // consumer groups
    }

    /// The radix tree's nodes for `entries`, in order.
    static func streamNodes(_ entries: ArraySlice<StoreStream.Entry>) -> [(masterID: StreamID, listpack: [UInt8])] {
        var nodes: [(masterID: StreamID, listpack: [UInt8])] = []
        var position = entries.startIndex
        while position < entries.endIndex {
            let master = entries[position]
            let masterFields = stride(from: 0, to: master.fieldsAndValues.count, by: 2).map {
                master.fieldsAndValues[$0]
            }
            // The master entry: live count, deleted count, the first entry's field names, and a 0.
            var header = ListpackWriter()
            header.append(Int64(1))
            header.append(Int64(0))
            header.append(Int64(masterFields.count))
            for field in masterFields { header.append(field) }
            header.append(Int64(0))
            var items = ListpackWriter()
            var entryCount = 0
            while position < entries.endIndex {
                let entry = entries[position]
                if entryCount > 0 {
                    let size = entry.fieldsAndValues.reduce(0) { $0 + $1.count }
                    let listpackSize = header.totalBytes + items.body.count
                    if listpackSize + size >= streamNodeMaxBytes || entryCount >= streamNodeMaxEntries { break }
                }
                append(entry, masterID: master.id, masterFields: masterFields, to: &items)
                entryCount += 1
                position += 1
            }
            // The live count is the first element; rewrite the header now that it is known.
            var node = ListpackWriter()
            node.append(Int64(entryCount))
            node.append(Int64(0))
            node.append(Int64(masterFields.count))
            for field in masterFields { node.append(field) }
            node.append(Int64(0))
            node.append(contentsOf: items)
            nodes.append((master.id, node.finished()))
        }
        return nodes
    }

    /// One entry: flags, the ID as differences from the master ID, the field count and fields unless
    /// they are the master's (the SAMEFIELDS flag), the values, and the element count for walking back.
    private static func append(
        _ entry: StoreStream.Entry, masterID: StreamID, masterFields: [[UInt8]], to listpack: inout ListpackWriter
    ) {
        let fieldCount = entry.fieldsAndValues.count / 2
        let hasSameFields =
            fieldCount == masterFields.count
            && (0..<fieldCount).allSatisfy { entry.fieldsAndValues[2 * $0] == masterFields[$0] }
        listpack.append(hasSameFields ? streamItemFlagSameFields : streamItemFlagNone)
        listpack.append(Int64(bitPattern: entry.id.milliseconds &- masterID.milliseconds))
        listpack.append(Int64(bitPattern: entry.id.sequence &- masterID.sequence))
        if !hasSameFields { listpack.append(Int64(fieldCount)) }
        for index in 0..<fieldCount {
            if !hasSameFields { listpack.append(entry.fieldsAndValues[2 * index]) }
            listpack.append(entry.fieldsAndValues[2 * index + 1])
        }
        listpack.append(Int64(hasSameFields ? fieldCount + 3 : 2 * fieldCount + 4))
    }

    /// STREAM_ITEM_FLAG_NONE, DELETED and SAMEFIELDS: the first element of every entry.
    static let streamItemFlagNone: Int64 = 0
    static let streamItemFlagDeleted: Int64 = 1
    static let streamItemFlagSameFields: Int64 = 2

    /// A length of up to 64 bits (IDs and counters, which may pass `Int.max`).
    mutating func writeUnsignedLength(_ value: UInt64) {
        if value <= UInt64(Int.max) { return writeLength(Int(value)) }
        bytes.append(RDBConstant.length64Bit)
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
