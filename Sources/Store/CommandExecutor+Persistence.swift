import Core
import RESP
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// Persistence commands and the cron that drives snapshots and the AOF: SAVE, BGSAVE, LASTSAVE,
/// BGREWRITEAOF, the save rules, background fsync and automatic rewrites (Redis's rdb.c and aof.c
/// glue in `serverCron`).
extension CommandExecutor {
    static var persistenceCommands: [CommandSpec] {
        [
            CommandSpec("save", arity: 1, flags: [.admin]) { $0.save(&$1) },
            CommandSpec("bgsave", arity: -1, flags: [.admin]) { $0.backgroundSave(&$1) },
            CommandSpec("lastsave", arity: 1, flags: [.fast, .loading, .stale]) { executor, request in
                request.replyInteger(Int(executor.persistence.lastSaveAt))
            },
            CommandSpec("bgrewriteaof", arity: 1, flags: [.admin]) { $0.backgroundRewrite(&$1) },
        ]
    }

    // MARK: - Commands

    func save(_ request: inout CommandRequest) {
        guard persistence.snapshotChild == nil else {
            return request.replyError("ERR Background save already in progress")
        }
        do {
            try saveSnapshot()
            request.replyOK()
        } catch {
            logger.warning("SAVE failed", ["error": "\(error)"])
            request.replyError("ERR")
        }
    }

    func backgroundSave(_ request: inout CommandRequest) {
        if request.count == 2 && !request.argument(1, is: "SCHEDULE") { return request.replySyntaxError() }
        guard persistence.snapshotChild == nil else {
            return request.replyError("ERR Background save already in progress")
        }
        if persistence.rewriteChild != nil {
            guard request.count == 2 else {
                return request.replyError(
                    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."
                )
            }
            persistence.isSnapshotScheduled = true
            return request.reply.writeRESPSimpleString("Background saving scheduled")
        }
        if startBackgroundSave() {
            request.reply.writeRESPSimpleString("Background saving started")
        } else {
            request.replyError("ERR Background save failed to start: see the store's log")
        }
    }

    func backgroundRewrite(_ request: inout CommandRequest) {
        guard persistence.rewriteChild == nil else {
            return request.replyError("ERR Background append only file rewriting already in progress")
        }
        if persistence.snapshotChild != nil {
            persistence.isRewriteScheduled = true
            return request.reply.writeRESPSimpleString("Background append only file rewriting scheduled")
        }
        if startBackgroundRewrite() {
            request.reply.writeRESPSimpleString("Background append only file rewriting started")
        } else {
            request.replyError(
                "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
        }
    }

    // MARK: - Snapshots

    /// Writes a snapshot synchronously (SAVE, SHUTDOWN SAVE): a temporary file, then a rename.
    public func saveSnapshot() throws {
        let path = configuration.snapshotPath
        let temporary = "\(configuration.dir)/temp-\(getpid()).rdb"
        if isPropagating { flushPropagation() }
        do {
            try writeSnapshot(to: temporary, auxiliaryFields: replicationAuxiliaryFields)
            try FileSystem.rename(temporary, to: path)
        } catch {
            FileSystem.remove(temporary)
            throw error
        }
        persistence.lastSaveAt = clock() / 1000
        persistence.dirtyAtLastSave = keyspace.dirty
        persistence.lastSnapshotSucceeded = true
        persistence.snapshotsWritten += 1
        logger.info("DB saved on disk", ["path": path])
    }

    /// Forks a child that writes the snapshot; returns whether it started.
    @discardableResult
    public func startBackgroundSave() -> Bool {
        let temporary = "\(configuration.dir)/temp-bgsave-\(getpid()).rdb"
        persistence.lastSnapshotTryAt = clock()
        // The snapshot must hold exactly the writes up to the offset it records.
        if isPropagating { flushPropagation() }
        let auxiliaryFields = replicationAuxiliaryFields
        do {
            let pid = try SnapshotChild.start { [self] in
                (try? writeSnapshot(to: temporary, auxiliaryFields: auxiliaryFields)) != nil
            }
            persistence.snapshotChild = PersistenceState.Child(
                pid: pid, temporaryPath: temporary, startedAt: clock(), dirtyAtStart: keyspace.dirty)
            logger.info("background saving started", ["pid": pid])
            return true
        } catch {
            persistence.lastSnapshotSucceeded = false
            logger.warning("can't save in background", ["error": "\(error)"])
            return false
        }
    }

    /// Forks a child that writes the keyspace as commands for a new AOF; returns whether it started.
    @discardableResult
    public func startBackgroundRewrite() -> Bool {
        let temporary = "\(configuration.dir)/temp-rewriteaof-bg-\(getpid()).aof"
        let now = clock()
        do {
            let pid = try SnapshotChild.start { [self] in (try? writeCommands(to: temporary, now: now)) != nil }
            persistence.rewriteChild = PersistenceState.Child(
                pid: pid, temporaryPath: temporary, startedAt: now, dirtyAtStart: keyspace.dirty)
            appendOnlyLog?.beginRewrite()
            logger.info("background append only file rewriting started", ["pid": pid])
            return true
        } catch {
            persistence.lastRewriteSucceeded = false
            logger.warning("can't rewrite the append only file in background", ["error": "\(error)"])
            return false
        }
    }

    /// The keyspace as commands, in a file (the rewrite child's work).
    func writeCommands(to path: String, now: Int64) throws {
        try FileSystem.writeAndSync(
            { write throws(IOError) in
                do {
                    try withoutActuallyEscaping(write) { write in
                        var writer = KeyspaceCommandWriter { chunk throws in
                            try chunk.withUnsafeReadableBytes { raw in try write(raw) }
                        }
                        try writer.write(keyspace, now: now)
                    }
                } catch let error as IOError {
                    throw error
                } catch {
                    throw IOError("rewrite the append only file", reason: "\(error)")
                }
            }, to: path)
    }

    // MARK: - Cron

    /// Runs `hz` times a second on the keyspace's thread: reaps finished children, applies the save
    /// rules and the automatic AOF rewrite, and asks for the once-a-second fsync.
    public func persistenceCron() {
        let now = clock()
        if let child = persistence.snapshotChild, let status = SnapshotChild.poll(child.pid) {
            finishBackgroundSave(child, status: status, now: now)
        }
        if let child = persistence.rewriteChild, let status = SnapshotChild.poll(child.pid) {
            finishBackgroundRewrite(child, status: status)
        }
        appendOnlyLog?.cron(now: now)
        guard persistence.snapshotChild == nil, persistence.rewriteChild == nil else { return }
        if persistence.isRewriteScheduled {
            persistence.isRewriteScheduled = false
            startBackgroundRewrite()
            return
        }
        if persistence.isSnapshotScheduled {
            persistence.isSnapshotScheduled = false
            startBackgroundSave()
            return
        }
        if let rules = SaveRules(configuration.save),
            rules.shouldSave(
                changes: keyspace.dirty - persistence.dirtyAtLastSave,
                secondsSinceLastSave: Int(now / 1000 - persistence.lastSaveAt),
                lastSaveFailed: !persistence.lastSnapshotSucceeded,
                secondsSinceLastTry: Int((now - persistence.lastSnapshotTryAt) / 1000))
        {
            logger.info(
                "changes reached a save rule, saving", ["changes": keyspace.dirty - persistence.dirtyAtLastSave])
            startBackgroundSave()
            return
        }
        if let log = appendOnlyLog, configuration.autoAOFRewritePercentage > 0,
            log.size >= configuration.autoAOFRewriteMinSize,
            (log.size - log.baseSize) * 100 >= max(1, log.baseSize) * configuration.autoAOFRewritePercentage
        {
            logger.info(
                "starting automatic rewriting of AOF",
                ["growth_percent": (log.size - log.baseSize) * 100 / max(1, log.baseSize)])
            startBackgroundRewrite()
        }
    }

    private func finishBackgroundSave(_ child: PersistenceState.Child, status: ProcessExitStatus, now: Int64) {
        persistence.snapshotChild = nil
        persistence.lastSnapshotSeconds = Int((now - child.startedAt) / 1000)
        var succeeded = status.isSuccess
        if succeeded {
            do {
                try FileSystem.rename(child.temporaryPath, to: configuration.snapshotPath)
            } catch {
                logger.warning("unable to put the snapshot in place", ["error": "\(error)"])
                succeeded = false
            }
        }
        persistence.lastSnapshotSucceeded = succeeded
        if succeeded {
            persistence.lastSaveAt = child.startedAt / 1000
            persistence.dirtyAtLastSave = child.dirtyAtStart
            persistence.snapshotsWritten += 1
            logger.info("background saving terminated with success", ["seconds": persistence.lastSnapshotSeconds])
        } else {
            FileSystem.remove(child.temporaryPath)
            logger.warning("background saving failed", ["status": "\(status)"])
        }
        let waiters = persistence.snapshotWaiters
        persistence.snapshotWaiters.removeAll()
        for waiter in waiters { waiter(succeeded, configuration.snapshotPath) }
    }

    private func finishBackgroundRewrite(_ child: PersistenceState.Child, status: ProcessExitStatus) {
        persistence.rewriteChild = nil
        guard status.isSuccess else {
            persistence.lastRewriteSucceeded = false
            appendOnlyLog?.abandonRewrite()
            FileSystem.remove(child.temporaryPath)
            logger.warning("background AOF rewrite failed", ["status": "\(status)"])
            return
        }
        do {
            if let log = appendOnlyLog {
                try log.completeRewrite(temporaryPath: child.temporaryPath)
            } else {
                try FileSystem.rename(child.temporaryPath, to: configuration.appendOnlyPath)
            }
            persistence.lastRewriteSucceeded = true
            logger.info("background AOF rewrite finished successfully", ["size": appendOnlyLog?.size ?? 0])
        } catch {
            persistence.lastRewriteSucceeded = false
            appendOnlyLog?.abandonRewrite()
            FileSystem.remove(child.temporaryPath)
            logger.warning("unable to put the rewritten AOF in place", ["error": "\(error)"])
        }
    }

    /// Ends running children (shutdown), removing their temporary files.
    public func killPersistenceChildren() {
        for child in [persistence.snapshotChild, persistence.rewriteChild].compactMap({ $0 }) {
            SnapshotChild.kill(child.pid)
            FileSystem.remove(child.temporaryPath)
        }
        persistence.snapshotChild = nil
        persistence.rewriteChild = nil
        appendOnlyLog?.abandonRewrite()
    }
}

extension CommandExecutor {
    /// INFO persistence, with Redis's field names.
    func persistenceInfo() -> [String] {
        let now = clock()
        let snapshot = persistence.snapshotChild
        let rewrite = persistence.rewriteChild
        var lines = [
            "# Persistence", "loading:0", "async_loading:0",
            "rdb_changes_since_last_save:\(keyspace.dirty - persistence.dirtyAtLastSave)",
            "rdb_bgsave_in_progress:\(snapshot == nil ? 0 : 1)", "rdb_last_save_time:\(persistence.lastSaveAt)",
            "rdb_last_bgsave_status:\(persistence.lastSnapshotSucceeded ? "ok" : "err")",
            "rdb_last_bgsave_time_sec:\(persistence.lastSnapshotSeconds)",
            "rdb_current_bgsave_time_sec:\(snapshot.map { String((now - $0.startedAt) / 1000) } ?? "-1")",
            "rdb_saves:\(persistence.snapshotsWritten)",
            "aof_enabled:\(appendOnlyLog == nil ? 0 : 1)", "aof_rewrite_in_progress:\(rewrite == nil ? 0 : 1)",
            "aof_rewrite_scheduled:\(persistence.isRewriteScheduled ? 1 : 0)",
            "aof_current_rewrite_time_sec:\(rewrite.map { String((now - $0.startedAt) / 1000) } ?? "-1")",
            "aof_last_bgrewrite_status:\(persistence.lastRewriteSucceeded ? "ok" : "err")",
            "aof_last_write_status:\(persistence.lastAppendSucceeded ? "ok" : "err")",
        ]
        if let log = appendOnlyLog {
            lines += [
                "aof_current_size:\(log.size)", "aof_base_size:\(log.baseSize)",
                "aof_last_fsync_status:\(log.backgroundError == nil ? "ok" : "err")",
            ]
        }
        return lines
    }
}
