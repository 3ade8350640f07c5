import Core
import Reactor

extension CommandExecutor {
    /// Writes the keyspace as an RDB file at `path` (synced, not renamed).
    func writeSnapshot(to path: String) throws {
        throw PersistenceError.io("write a snapshot to \(path): RDB support is not built yet")
    }
}

extension CommandExecutor {
    /// Replaces the keyspace with a snapshot's content.
    func loadSnapshot(_ bytes: [UInt8]) throws {
        throw PersistenceError.io("load a snapshot: RDB support is not built yet")
    }
}
