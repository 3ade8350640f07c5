import Core
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// Snapshots in Redis's RDB format: writing one (SAVE, BGSAVE's child, a full sync) and loading one
/// (at start, on a replica after a full sync).
extension CommandExecutor {
    /// Writes the keyspace as an RDB file at `path`, synced, not renamed: the caller renames it into
    /// place, so a reader never sees half a snapshot. `auxiliaryFields` carry replication ids.
    func writeSnapshot(to path: String, auxiliaryFields: [(name: String, value: [UInt8])] = []) throws {
        let compresses = configuration.rdbCompression
        let ctime = clock() / 1000
        try FileSystem.writeAndSync(
            { write throws(IOError) in
                do {
                    try withoutActuallyEscaping(write) { write in
                        var encoder = RDBEncoder(
                            ctime: ctime, usedMemory: usedMemoryEstimate, auxiliaryFields: auxiliaryFields,
                            keyCount: keyspace.count, expiringKeyCount: keyspace.expires.count,
                            compressesStrings: compresses, sink: { raw in try write(raw) })
                        try encoder.append(keyspace)
                        try encoder.finish()
                    }
                } catch let error as IOError {
                    throw error
                } catch {
                    throw IOError("write the snapshot \(path)", reason: "\(error)")
                }
            }, to: path)
    }

    /// Replaces the keyspace with a snapshot's content and returns what the file said about itself
    /// (replication ids in its aux fields). Keys of other databases land in db 0, the only one; keys whose
    /// deadline has passed are dropped, as a master does on load. Throws `RDBError` for a bad file, and
    /// then the keyspace is empty.
    @discardableResult
    func loadSnapshot(_ bytes: [UInt8]) throws -> RDBSummary {
        keyspace.removeAll()
        let now = clock()
        var otherDatabases = 0
        do {
            let summary = try RDBDecoder(verifiesChecksum: configuration.rdbChecksum).decode(bytes) { entry in
                if let deadline = entry.expiresAt, deadline <= now { return }
                if entry.database != 0 { otherDatabases += 1 }
                keyspace.set(entry.key, entry.value)
                if let deadline = entry.expiresAt { keyspace.setDeadline(deadline, for: entry.key) }
            }
            if otherDatabases > 0 {
                logger.warning("the snapshot had keys in other databases: loaded into db 0", ["keys": otherDatabases])
            }
            return summary
        } catch {
            keyspace.removeAll()
            throw error
        }
    }

    /// What INFO and the snapshot report as used memory: the process's resident size.
    var usedMemoryEstimate: Int { Self.usedMemory() }
}
