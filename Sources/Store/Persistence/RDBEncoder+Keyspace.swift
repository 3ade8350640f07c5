extension RDBEncoder {
    /// Encodes every key of `keyspace` (expired ones not yet removed included, as Redis's BGSAVE) with
    /// its deadline, handing the file to `sink` chunk by chunk. Throws what the sink throws.
    ///
    /// `ctime` is the snapshot time in Unix seconds; `auxiliaryFields` go after `used-mem` (replication
    /// ids and offsets). Reads the keyspace by position: it must not change while this runs.
    public static func encode(
        _ keyspace: Keyspace, ctime: Int64, usedMemory: Int = 0,
        auxiliaryFields: [(name: String, value: [UInt8])] = [], chunkSize: Int = 1 << 20,
        sink: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var encoder = RDBEncoder(
            ctime: ctime, usedMemory: usedMemory, auxiliaryFields: auxiliaryFields, keyCount: keyspace.count,
            expiringKeyCount: keyspace.expires.count, chunkSize: chunkSize, sink: sink)
        try encoder.append(keyspace)
        try encoder.finish()
    }

    /// The whole file for `keyspace`, in memory (see `encode(_:ctime:usedMemory:auxiliaryFields:chunkSize:sink:)`).
    public static func encode(
        _ keyspace: Keyspace, ctime: Int64, usedMemory: Int = 0,
        auxiliaryFields: [(name: String, value: [UInt8])] = []
    ) -> [UInt8] {
        var encoder = RDBEncoder(
            ctime: ctime, usedMemory: usedMemory, auxiliaryFields: auxiliaryFields, keyCount: keyspace.count,
            expiringKeyCount: keyspace.expires.count)
        // Without a sink nothing can throw.
        try! encoder.append(keyspace)
        try! encoder.finish()
        return encoder.bytes
    }

    /// Appends every key of `keyspace` with its deadline, in position order.
    public mutating func append(_ keyspace: Keyspace) throws {
        let entries = keyspace.entries
        let expires = keyspace.expires
        for position in 0..<entries.count {
            let key = entries.keys[position]
            try append(key: key, value: entries.values[position], expiresAt: expires.isEmpty ? nil : expires[key])
        }
    }
}
