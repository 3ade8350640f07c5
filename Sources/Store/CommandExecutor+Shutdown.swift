import Core
import RESP

/// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT] (Redis's `shutdownCommand`).
///
/// The executor only parses and hands over to `shutdownHandler`, which the server sets: it closes the
/// listener and every client and ends the process, so on success there is no reply, as in Redis.
extension CommandExecutor {
    /// What SHUTDOWN asked for about saving.
    public enum ShutdownSave: Sendable, Equatable {
        /// Neither SAVE nor NOSAVE: save when save points are configured.
        case configured
        /// SAVE: save even without save points.
        case save
        /// NOSAVE: do not save.
        case noSave
    }

    static var shutdownCommands: [CommandSpec] {
        [CommandSpec("shutdown", arity: -1, flags: [.admin, .loading, .stale]) { $0.shutdown(&$1) }]
    }

    func shutdown(_ request: inout CommandRequest) {
        var save = false
        var noSave = false
        var abort = false
        var force = false
        var skipsReplicaWait = false
        for index in 1..<max(1, request.count) {
            if request.argument(index, is: "NOSAVE") {
                noSave = true
            } else if request.argument(index, is: "SAVE") {
                save = true
            } else if request.argument(index, is: "NOW") {
                skipsReplicaWait = true
            } else if request.argument(index, is: "FORCE") {
                force = true
            } else if request.argument(index, is: "ABORT") {
                abort = true
            } else {
                return request.replySyntaxError()
            }
        }
        if (save && noSave) || (abort && request.count != 2) { return request.replySyntaxError() }
        // A shutdown here never waits, so there is never one in progress to abort.
        if abort { return request.replyError("ERR No shutdown in progress.") }
        let mode: ShutdownSave = save ? .save : noSave ? .noSave : .configured
        shutdownSkipsReplicaWait = skipsReplicaWait
        guard prepareForShutdown(mode) || force else {
            isPausingWrites = false
            return request.replyError("ERR Errors trying to SHUTDOWN. Check logs.")
        }
        request.client.shouldClose = true
        shutdownHandler?(mode, request.client)
    }

    /// Redis's `prepareForShutdown`: stops persistence children, saves a snapshot when asked (or when save
    /// rules exist and NOSAVE was not given), and syncs the AOF. Returns false when the save failed: the
    /// caller then stays up, as Redis does, rather than lose data.
    public func prepareForShutdown(_ mode: ShutdownSave) -> Bool {
        // From here on nothing new is acknowledged: what is saved (and what replicas catch up on) is final.
        isPausingWrites = true
        killPersistenceChildren()
        if let appendOnlyLog {
            do {
                if isPropagating { flushPropagation() }
                try appendOnlyLog.synchronize()
            } catch {
                logger.warning("unable to sync the append only file at shutdown", ["error": "\(error)"])
            }
        }
        let hasRules = !(SaveRules(configuration.save)?.rules.isEmpty ?? true)
        guard mode == .save || (mode == .configured && hasRules) else { return true }
        do {
            logger.info("saving the final RDB snapshot before exiting")
            try saveSnapshot()
            return true
        } catch {
            logger.warning("error trying to save the DB, can't exit", ["error": "\(error)"])
            isPausingWrites = false
            return false
        }
    }

    /// Whether every online replica acknowledged the whole stream (nothing to wait for at shutdown).
    public var replicasCaughtUp: Bool {
        let offset = replication.masterOffset
        return replication.replicas.allSatisfy { $0.state != .online || $0.acknowledgedOffset >= offset }
    }
}
