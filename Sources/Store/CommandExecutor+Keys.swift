import Core
import RESP

/// Generic key commands (Redis's db.c and expire.c): DEL, EXISTS, TYPE, the EXPIRE family, TTL, PERSIST,
/// KEYS, SCAN, RENAME, RANDOMKEY.
extension CommandExecutor {
    static var keyCommands: [CommandSpec] {
        [
            CommandSpec("del", arity: -2, flags: [.write], keys: (1, -1, 1)) { $0.delete(&$1) },
            CommandSpec("unlink", arity: -2, flags: [.write, .fast], keys: (1, -1, 1)) { $0.delete(&$1) },
            CommandSpec("exists", arity: -2, flags: [.readonly, .fast], keys: (1, -1, 1)) { executor, request in
                var found = 0
                for index in 1..<request.count
                where executor.keyspace.contains(request.key(at: index), now: executor.now) {
                    found += 1
                }
                request.replyInteger(found)
            },
            CommandSpec("type", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                let value = executor.keyspace.lookupForWrite(request.key(at: 1), now: executor.now)
                request.reply.writeRESPSimpleString(value?.typeName ?? "none")
            },
            CommandSpec("expire", arity: -3, flags: [.write, .fast], keys: (1, 1, 1)) {
                $0.expire(&$1, unit: 1000, relative: true)
            },
            CommandSpec("pexpire", arity: -3, flags: [.write, .fast], keys: (1, 1, 1)) {
                $0.expire(&$1, unit: 1, relative: true)
            },
            CommandSpec("expireat", arity: -3, flags: [.write, .fast], keys: (1, 1, 1)) {
                $0.expire(&$1, unit: 1000, relative: false)
            },
            CommandSpec("pexpireat", arity: -3, flags: [.write, .fast], keys: (1, 1, 1)) {
                $0.expire(&$1, unit: 1, relative: false)
            },
            CommandSpec("ttl", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1)) { $0.ttl(&$1, unit: 1000) },
            CommandSpec("pttl", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1)) { $0.ttl(&$1, unit: 1) },
            CommandSpec("persist", arity: 2, flags: [.write, .fast], keys: (1, 1, 1)) { executor, request in
                let key = request.key(at: 1)
                guard executor.keyspace.contains(key, now: executor.now) else { return request.reply.writeRESP(.zero) }
                request.reply.writeRESP(executor.keyspace.removeDeadline(of: key) ? .one : .zero)
            },
            CommandSpec("keys", arity: 2, flags: [.readonly]) { $0.keys(&$1) },
            CommandSpec("scan", arity: -2, flags: [.readonly]) { $0.scan(&$1) },
            CommandSpec("rename", arity: 3, flags: [.write], keys: (1, 2, 1)) { $0.rename(&$1) },
            CommandSpec("randomkey", arity: 1, flags: [.readonly]) { executor, request in
                if let key = executor.keyspace.randomKey(now: executor.now, using: &executor.generator) {
                    key.withUnsafeBytes { request.reply.writeRESPBulkString($0) }
                } else {
                    request.replyNull()
                }
            },
        ]
    }

    func delete(_ request: inout CommandRequest) {
        var removed = 0
        for index in 1..<request.count {
            let key = request.key(at: index)
            if keyspace.expireIfNeeded(key, now: now) { continue }
            if keyspace.remove(key) { removed += 1 }
        }
        request.replyInteger(removed)
    }

    /// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX, XX, GT, LT: `unit` is milliseconds per argument unit.
    func expire(_ request: inout CommandRequest, unit: Int64, relative: Bool) {
        let name = request.string(at: 0).lowercased()
        guard let amount = request.integer(at: 2) else { return }
        var nx = false
        var xx = false
        var gt = false
        var lt = false
        for index in 3..<max(3, request.count) {
            if request.argument(index, is: "NX") {
                nx = true
            } else if request.argument(index, is: "XX") {
                xx = true
            } else if request.argument(index, is: "GT") {
                gt = true
            } else if request.argument(index, is: "LT") {
                lt = true
            } else {
                return request.replyError("ERR Unsupported option \(request.string(at: index))")
            }
        }
        if nx && (xx || gt || lt) {
            return request.replyError("ERR NX and XX, GT or LT options at the same time are not compatible")
        }
        if gt && lt { return request.replyError("ERR GT and LT options at the same time are not compatible") }
        let (scaled, overflow1) = Int64(amount).multipliedReportingOverflow(by: unit)
        let (deadline, overflow2) = scaled.addingReportingOverflow(relative ? now : 0)
        guard !overflow1, !overflow2 else { return request.replyError(StoreReplies.invalidExpireTime(name)) }
        let key = request.key(at: 1)
        guard keyspace.contains(key, now: now) else { return request.reply.writeRESP(.zero) }
        let current = keyspace.deadline(of: key)
        if nx && current != nil { return request.reply.writeRESP(.zero) }
        if xx && current == nil { return request.reply.writeRESP(.zero) }
        // A key without a deadline counts as an infinite one for GT and LT, as in Redis.
        if gt && (current == nil || deadline <= current!) { return request.reply.writeRESP(.zero) }
        if lt, let current, deadline >= current { return request.reply.writeRESP(.zero) }
        if deadline <= now {
            keyspace.remove(key)
        } else {
            keyspace.setDeadline(deadline, for: key)
        }
        request.reply.writeRESP(.one)
    }

    func ttl(_ request: inout CommandRequest, unit: Int64) {
        let key = request.key(at: 1)
        guard keyspace.lookupForWrite(key, now: now) != nil else { return request.replyInteger(-2) }
        guard let deadline = keyspace.deadline(of: key) else { return request.replyInteger(-1) }
        let remaining = max(0, deadline - now)
        // TTL rounds to the nearest second, as Redis's (ttl+500)/1000.
        request.replyInteger(Int(unit == 1 ? remaining : (remaining + 500) / 1000))
    }

    func keys(_ request: inout CommandRequest) {
        let pattern = request.bytes(at: 1)
        let matchesAll = pattern == [UInt8(ascii: "*")]
        var found: [StoreKey] = []
        pattern.withUnsafeBytes { pattern in
            for key in keyspace.entries.keys {
                if let deadline = keyspace.expires[key], deadline <= now { continue }
                if matchesAll || key.withUnsafeBytes({ GlobPattern.matches(pattern, $0) }) { found.append(key) }
            }
        }
        request.reply.writeRESPArrayHeader(found.count)
        for key in found { key.withUnsafeBytes { request.reply.writeRESPBulkString($0) } }
    }

    /// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: the cursor names a bucket of the keyspace's
    /// hash table in Redis's reverse-binary order (see `DenseDictionary.scan`), so every key present for
    /// the whole scan is returned even when the table resizes in between. As Redis's `scanGenericCommand`,
    /// one call visits buckets until it has seen COUNT keys, or ten times COUNT buckets.
    func scan(_ request: inout CommandRequest) {
        guard let options = ScanOptions.parse(&request, cursorIndex: 1, allowsType: true) else { return }
        var cursor = options.cursor
        var found: [[UInt8]] = []
        var visited = 0
        var bucketsLeft = options.count.multipliedReportingOverflow(by: 10).overflow ? Int.max : options.count * 10
        let entries = keyspace.entries
        let expires = keyspace.expires
        repeat {
            cursor = entries.scan(cursor: cursor) { position in
                visited += 1
                let key = entries.key(at: position)
                if let deadline = expires[key], deadline <= now { return }
                if let type = options.type, entries.value(at: position).typeName != type { return }
                if options.matches(key) { found.append(key.withUnsafeBytes { Array($0) }) }
            }
            bucketsLeft -= 1
        } while cursor != 0 && visited < options.count && bucketsLeft > 0
        request.replyScan(next: cursor, elements: found)
    }

    func rename(_ request: inout CommandRequest) {
        let source = request.key(at: 1)
        let destination = request.key(at: 2)
        guard let value = keyspace.lookupForWrite(source, now: now) else {
            return request.replyError(StoreReplies.noSuchKey)
        }
        if source == destination { return request.replyOK() }
        let deadline = keyspace.deadline(of: source)
        keyspace.remove(source)
        keyspace.set(destination, value)
        if let deadline { keyspace.setDeadline(deadline, for: destination) }
        request.replyOK()
    }
}
