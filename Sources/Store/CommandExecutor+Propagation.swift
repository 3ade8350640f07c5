import Core
import RESP

/// Propagation: every write that changed the keyspace is re-encoded as RESP and handed, once per batch,
/// to the append-only file and the replication stream (Redis's `propagate()` feeding `aof_buf` and
/// `replicationFeedSlaves`).
///
/// What is propagated must produce the same data wherever it is replayed, later and on another machine:
/// relative times become absolute (`EXPIRE k 10` goes out as `PEXPIREAT k <ms>`, `SET k v EX 10` as
/// `SET k v PXAT <ms>`), float increments become the value they produced, random choices (SPOP) the
/// members chosen, and a key that expired goes out as a `DEL` before the command that noticed it.
extension CommandExecutor {
    /// Called after each command: propagates expired keys' DELs, then the command (or its rewrite) when
    /// it is a write that changed something.
    @inline(__always)
    func propagateAfter(_ request: inout CommandRequest, _ spec: CommandSpec, dirtyBefore: Int) {
        if !keyspace.expiredKeysToPropagate.isEmpty { propagateExpiredKeys() }
        guard keyspace.dirty != dirtyBefore, spec.flags.contains(.write) else {
            request.propagation = nil
            return
        }
        if let commands = request.propagation {
            request.propagation = nil
            for command in commands { propagate(command) }
            return
        }
        if let rewritten = rewriteForPropagation(request.command, name: spec.name) {
            for command in rewritten { propagate(command) }
        } else {
            propagate(request.command)
        }
    }

    /// Appends the DELs of keys removed by expiry since the last call.
    func propagateExpiredKeys() {
        let keys = keyspace.expiredKeysToPropagate
        keyspace.expiredKeysToPropagate.removeAll(keepingCapacity: true)
        guard isPropagating else { return }
        for key in keys {
            propagationBuffer.writeRESPArrayHeader(2)
            propagationBuffer.writeRESPBulkString("DEL")
            key.withUnsafeBytes { propagationBuffer.writeRESPBulkString($0) }
        }
    }

    /// Appends `command` to the propagation buffer, opening a MULTI first inside EXEC.
    func propagate(_ command: RESPCommand) {
        if isExecutingTransaction && !hasPropagatedMulti {
            hasPropagatedMulti = true
            propagationBuffer.writeRESPArrayHeader(1)
            propagationBuffer.writeRESPBulkString("MULTI")
        }
        propagationBuffer.writeRESPArrayHeader(command.count)
        for index in 0..<command.count {
            command.withUnsafeBytes(at: index) { propagationBuffer.writeRESPBulkString($0) }
        }
    }

    /// Hands what the batch propagated to the sink (the AOF is written, and fsynced under
    /// `appendfsync always`, before any reply of the batch leaves: an acknowledged write is durable).
    func flushPropagation() {
        if !keyspace.expiredKeysToPropagate.isEmpty { propagateExpiredKeys() }
        guard !propagationBuffer.isEmpty else { return }
        if let appendOnlyLog {
            do {
                try appendOnlyLog.append(propagationBuffer)
                persistence.lastAppendSucceeded = true
                if appendOnlyLog.needsSync { scheduleGroupSync() }
            } catch {
                persistence.lastAppendSucceeded = false
                logger.error("unable to write to the append only file", ["error": "\(error)"])
                // Redis exits here under `always`: an acknowledged write that is not durable breaks the promise.
                if appendOnlyLog.policy == .always { appendFailureHandler?(error) }
            }
        }
        propagationSink?.propagate(propagationBuffer)
        propagationBuffer.clear()
    }

    /// Whether replies must wait: writes of this loop turn are in the AOF but not yet on disk
    /// (`appendfsync always`). The connection then holds its output until `finishGroupSync`.
    public var hasUnsyncedWrites: Bool { appendOnlyLog?.needsSync ?? false }

    /// Holds `release` until this turn's fsync: a connection's held replies.
    public func releaseAfterSync(_ release: @escaping () -> Void) { repliesAwaitingSync.append(release) }

    /// Arranges one fsync after every ready client of this loop turn was served (Redis's
    /// `flushAppendOnlyFile` in `beforeSleep`): 50 clients' writes cost one fsync, not fifty.
    private func scheduleGroupSync() {
        guard !isGroupSyncScheduled, let loop else { return }
        isGroupSyncScheduled = true
        loop.runAfterEvents { [weak self] in self?.finishGroupSync() }
    }

    /// The turn's fsync, then the replies that waited for it.
    func finishGroupSync() {
        isGroupSyncScheduled = false
        do {
            try appendOnlyLog?.synchronizeIfNeeded()
        } catch {
            persistence.lastAppendSucceeded = false
            logger.error("unable to fsync the append only file", ["error": "\(error)"])
            appendFailureHandler?(error)
            return
        }
        let releases = repliesAwaitingSync
        repliesAwaitingSync.removeAll()
        for release in releases { release() }
    }

    /// The deterministic form of a command whose effect depends on when or where it runs; nil when the
    /// command itself is fine. Reads the keyspace after the command ran.
    func rewriteForPropagation(_ command: RESPCommand, name: String) -> [RESPCommand]? {
        switch name {
        case "expire", "pexpire", "expireat", "pexpireat", "getex":
            let key = command.withUnsafeBytes(at: 1) { StoreKey($0) }
            guard keyspace.entries.position(of: key) != nil else { return [Self.command("DEL", key.bytes)] }
            guard let deadline = keyspace.deadline(of: key) else { return [Self.command("PERSIST", key.bytes)] }
            return [Self.command("PEXPIREAT", key.bytes, Array(String(deadline).utf8))]
        case "setex", "psetex":
            return stateOfString(command)
        case "set":
            // Only the relative or absolute-time forms need a rewrite; plain SET, NX, XX, KEEPTTL, GET are fine.
            for index in 3..<command.count
            where command.argument(index, equalsCaseInsensitive: "EX")
                || command.argument(index, equalsCaseInsensitive: "PX")
                || command.argument(index, equalsCaseInsensitive: "EXAT")
            {
                return stateOfString(command)
            }
            return nil
        case "incrbyfloat":
            let key = command.withUnsafeBytes(at: 1) { StoreKey($0) }
            guard let value = keyspace.entries[key]?.stringBytes else { return nil }
            return [Self.command("SET", key.bytes, value, Array("KEEPTTL".utf8))]
        case "hincrbyfloat":
            let key = command.withUnsafeBytes(at: 1) { StoreKey($0) }
            let field = command.withUnsafeBytes(at: 2) { StoreKey($0) }
            guard case .hash(let hash)? = keyspace.entries[key], let value = hash[field] else { return nil }
            return [Self.command("HSET", key.bytes, field.bytes, value)]
        default:
            return nil
        }
    }

    /// `SET key value [PXAT deadline]` from the key's current state.
    private func stateOfString(_ command: RESPCommand) -> [RESPCommand]? {
        let key = command.withUnsafeBytes(at: 1) { StoreKey($0) }
        guard let value = keyspace.entries[key]?.stringBytes else { return [Self.command("DEL", key.bytes)] }
        guard let deadline = keyspace.deadline(of: key) else { return [Self.command("SET", key.bytes, value)] }
        return [Self.command("SET", key.bytes, value, Array("PXAT".utf8), Array(String(deadline).utf8))]
    }

    /// A command from its name and byte arguments.
    static func command(_ name: String, _ arguments: [UInt8]...) -> RESPCommand {
        RESPCommand([Array(name.utf8)] + arguments)
    }
}

/// Where propagated writes go: the server's persistence and replication, or a test's recorder.
/// Called on the keyspace's thread with the RESP of whole commands, in order.
public protocol PropagationSink: AnyObject {
    /// Takes the encoded commands of one batch.
    func propagate(_ commands: ByteBuffer)
}
