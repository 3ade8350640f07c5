import Core
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// Loading at start and turning the AOF on: Redis's `loadDataFromDisk` and `startAppendOnly`.
extension CommandExecutor {
    /// Loads the data the configuration points at: the AOF when `appendonly yes` and it exists, else the
    /// snapshot when it exists, else nothing. A torn AOF tail is cut (with a log line) when
    /// `aof-load-truncated yes`; a corrupt file throws and nothing is written. Then opens the AOF when
    /// enabled, creating it from the loaded data when it did not exist.
    public func loadDataAndOpenLog() throws {
        let aofPath = configuration.appendOnlyPath
        var loadedFromLog = false
        if configuration.appendOnly, let bytes = try FileSystem.read(aofPath), !bytes.isEmpty {
            if bytes.starts(with: Array("REDIS".utf8)) {
                throw PersistenceError.io("load \(aofPath): an AOF with an RDB preamble is not supported")
            }
            let started = clock()
            let outcome = try AppendOnlyLogLoader.replay(bytes, into: self)
            if outcome.isTruncated {
                guard configuration.aofLoadTruncated else {
                    throw PersistenceError.corruptAppendOnlyFile(
                        offset: outcome.validLength,
                        reason: "the file ends in the middle of a command (aof-load-truncated is no)")
                }
                logger.warning(
                    "AOF loaded anyway because aof-load-truncated is enabled: the last command was incomplete and is dropped",
                    [
                        "path": aofPath, "valid_bytes": outcome.validLength,
                        "dropped_bytes": bytes.count - outcome.validLength,
                    ])
            }
            logger.info(
                "DB loaded from append only file",
                ["commands": outcome.commands, "keys": keyspace.count, "ms": clock() - started])
            loadedFromLog = true
            let log = try AppendOnlyLog(path: aofPath, policy: configuration.appendFsync)
            if outcome.isTruncated { try log.truncate(to: outcome.validLength) }
            appendOnlyLog = log
        } else if let bytes = try FileSystem.read(configuration.snapshotPath) {
            let started = clock()
            let summary = try loadSnapshot(bytes)
            if let id = summary.auxiliaryFields["repl-id"].map({ String(decoding: $0, as: UTF8.self) }),
                let offset = summary.auxiliaryFields["repl-offset"].flatMap({ Int(String(decoding: $0, as: UTF8.self)) }
                ),
                id.utf8.count == 40
            {
                persistence.loadedReplication = (id, offset)
            }
            logger.info(
                "DB loaded from disk",
                ["path": configuration.snapshotPath, "keys": keyspace.count, "ms": clock() - started])
        }
        persistence.lastSaveAt = clock() / 1000
        persistence.dirtyAtLastSave = keyspace.dirty
        if configuration.appendOnly && !loadedFromLog { try startAppendOnly() }
    }

    /// Starts replication as configured, after the data is loaded: a replica follows its master, resuming
    /// the history its snapshot recorded; a master with a recorded history keeps it, so its replicas can
    /// continue partially after it restarts (Redis 6+).
    public func startConfiguredReplication() {
        let loaded = persistence.loadedReplication
        if let master = configuration.replicaOf {
            // Without a recorded history, "PSYNC ? -1": nothing of ours is worth continuing.
            startReplication(
                of: master, resuming: loaded.map { (id: $0.id, offset: $0.offset) } ?? (ReplicationID.none, 0))
        } else if let loaded {
            replication = ReplicationFeed(
                backlogSize: configuration.replBacklogSize, replicationID: loaded.id, offset: loaded.offset)
            activateBacklog()
        }
    }

    /// Creates the AOF from the current data (synchronously: at start, or CONFIG SET appendonly yes) and
    /// starts logging to it.
    public func startAppendOnly() throws {
        let path = configuration.appendOnlyPath
        let temporary = "\(configuration.dir)/temp-appendonly-\(getpid()).aof"
        try writeCommands(to: temporary, now: clock())
        try FileSystem.rename(temporary, to: path)
        appendOnlyLog = try AppendOnlyLog(path: path, policy: configuration.appendFsync)
        logger.info("append only file enabled", ["path": path, "appendfsync": configuration.appendFsync.rawValue])
    }

    /// Stops logging (CONFIG SET appendonly no): syncs and closes the file.
    public func stopAppendOnly() {
        if let appendOnlyLog {
            flushPropagation()
            try? appendOnlyLog.synchronize()
        }
        if let child = persistence.rewriteChild {
            SnapshotChild.kill(child.pid)
            FileSystem.remove(child.temporaryPath)
            persistence.rewriteChild = nil
        }
        appendOnlyLog = nil
    }
}
