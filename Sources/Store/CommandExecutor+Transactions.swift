import Core
import RESP

/// Transactions (Redis's multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH.
///
/// Queueing happens in `execute(_:)`: inside MULTI every command except those in `immediateInMulti` is
/// checked (known, arity, authentication) and queued. EXEC runs the queue back to back on the keyspace's
/// thread, so nothing interleaves. WATCH registers the client in the keyspace's watcher map; every write
/// path of `Keyspace` marks its watchers invalidated, and EXEC then answers a null array.
extension CommandExecutor {
    static var transactionCommands: [CommandSpec] {
        [
            CommandSpec("multi", arity: 1, flags: [.fast, .loading, .stale]) { _, request in
                let client = request.client
                guard !client.isInTransaction else {
                    return request.replyError("ERR MULTI calls can not be nested")
                }
                client.queuedCommands = []
                client.isTransactionAborted = false
                request.replyOK()
            },
            CommandSpec("exec", arity: 1, flags: [.loading, .stale]) { $0.exec(&$1) },
            CommandSpec("discard", arity: 1, flags: [.fast, .loading, .stale]) { executor, request in
                guard request.client.isInTransaction else {
                    return request.replyError("ERR DISCARD without MULTI")
                }
                executor.endTransaction(request.client)
                request.replyOK()
            },
            CommandSpec("watch", arity: -2, flags: [.fast, .loading, .stale], keys: (1, -1, 1)) { executor, request in
                guard !request.client.isInTransaction else {
                    return request.replyError("ERR WATCH inside MULTI is not allowed")
                }
                for index in 1..<request.count {
                    let key = request.key(at: index)
                    // Removing an already expired key first means its later lazy removal is no change,
                    // as Redis's `watchedKey.expired` flag arranges.
                    executor.keyspace.expireIfNeeded(key, now: executor.now)
                    executor.keyspace.watch(key, by: request.client)
                }
                request.replyOK()
            },
            CommandSpec("unwatch", arity: 1, flags: [.fast, .loading, .stale]) { executor, request in
                executor.keyspace.unwatchAll(by: request.client)
                request.replyOK()
            },
        ]
    }

    /// Commands that run at once inside MULTI instead of being queued, as Redis's `processCommand` lists.
    static let immediateInMulti: Set<String> = ["exec", "discard", "multi", "watch", "quit", "reset"]

    /// EXEC: EXECABORT after a refused command, a null array when a watched key changed, else the replies
    /// of the queued commands as one array.
    func exec(_ request: inout CommandRequest) {
        let client = request.client
        guard let queued = client.queuedCommands else {
            return request.replyError("ERR EXEC without MULTI")
        }
        let isAborted = client.isTransactionAborted
        let isInvalidated = client.isWatchInvalidated || hasExpiredWatchedKey(client)
        endTransaction(client)
        if isAborted {
            return request.replyError("EXECABORT Transaction discarded because of previous errors.")
        }
        if isInvalidated {
            return request.reply.writeRESPNullArray(protocol: client.protocolVersion)
        }
        request.reply.writeRESPArrayHeader(queued.count)
        isExecutingTransaction = true
        for command in queued {
            request.command = command
            execute(&request)
        }
        isExecutingTransaction = false
    }

    /// Leaves MULTI (EXEC, DISCARD, a closed connection) and forgets the watched keys.
    func endTransaction(_ client: ClientSession) {
        client.queuedCommands = nil
        client.isTransactionAborted = false
        keyspace.unwatchAll(by: client)
    }

    /// Whether a watched key's deadline passed without anything having removed it yet: logically it
    /// changed (Redis's `isWatchedKeyExpired`).
    func hasExpiredWatchedKey(_ client: ClientSession) -> Bool {
        client.watchedKeys.contains { key in keyspace.deadline(of: key).map { $0 <= now } ?? false }
    }

    /// Refuses a command with `message`; inside MULTI the transaction is flagged so EXEC aborts.
    func reject(_ request: inout CommandRequest, _ message: String) {
        if request.client.isInTransaction { request.client.isTransactionAborted = true }
        request.replyError(message)
    }

    /// Queues `request`'s command inside MULTI; returns false when it should run now.
    func queueIfInTransaction(_ request: inout CommandRequest, _ spec: CommandSpec) -> Bool {
        guard request.client.isInTransaction, !Self.immediateInMulti.contains(spec.name) else { return false }
        request.client.queuedCommands?.append(request.command)
        request.reply.writeRESP(.queued)
        return true
    }
}
