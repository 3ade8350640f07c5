import Core
import RESP

/// Hash commands (Redis's t_hash.c).
extension CommandExecutor {
    static var hashCommands: [CommandSpec] {
        [
            CommandSpec("hset", arity: -4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.hashSet(&$1, onlyIfNew: false)
            },
            CommandSpec("hmset", arity: -4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.hashSet(&$1, onlyIfNew: false)
            },
            CommandSpec("hsetnx", arity: 4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.hashSet(&$1, onlyIfNew: true)
            },
            CommandSpec("hget", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let fields = executor.readHash(&request) else { return }
                if let value = fields[request.key(at: 2)] { request.replyBulk(value) } else { request.replyNull() }
            },
            CommandSpec("hmget", arity: -3, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let fields = executor.readHash(&request) else { return }
                request.reply.writeRESPArrayHeader(request.count - 2)
                for index in 2..<request.count {
                    if let value = fields[request.key(at: index)] {
                        request.replyBulk(value)
                    } else {
                        request.replyNull()
                    }
                }
            },
            CommandSpec("hgetall", arity: 2, flags: [.readonly], keys: (1, 1, 1)) { executor, request in
                guard let fields = executor.readHash(&request) else { return }
                request.reply.writeRESPMapHeader(fields.count, protocol: request.protocolVersion)
                for (field, value) in fields {
                    field.withUnsafeBytes { request.reply.writeRESPBulkString($0) }
                    request.replyBulk(value)
                }
            },
            CommandSpec("hkeys", arity: 2, flags: [.readonly], keys: (1, 1, 1)) { executor, request in
                guard let fields = executor.readHash(&request) else { return }
                request.reply.writeRESPArrayHeader(fields.count)
                for field in fields.keys { field.withUnsafeBytes { request.reply.writeRESPBulkString($0) } }
            },
            CommandSpec("hvals", arity: 2, flags: [.readonly], keys: (1, 1, 1)) { executor, request in
                guard let fields = executor.readHash(&request) else { return }
                request.reply.writeRESPArrayHeader(fields.count)
                for value in fields.values { request.replyBulk(value) }
            },
            CommandSpec("hlen", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let fields = executor.readHash(&request) else { return }
                request.replyInteger(fields.count)
            },
            CommandSpec("hexists", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let fields = executor.readHash(&request) else { return }
                request.reply.writeRESP(fields[request.key(at: 2)] == nil ? .zero : .one)
            },
            CommandSpec("hdel", arity: -3, flags: [.write, .fast], keys: (1, 1, 1)) { $0.hashDelete(&$1) },
            CommandSpec("hincrby", arity: 4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.hashIncrement(&$1)
            },
            CommandSpec("hincrbyfloat", arity: 4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.hashIncrementFloat(&$1)
            },
            CommandSpec("hscan", arity: -3, flags: [.readonly], keys: (1, 1, 1)) { $0.hashScan(&$1) },
        ]
    }

    /// The fields of the hash at argument 1: empty when the key is missing, nil after a WRONGTYPE reply.
    func readHash(_ request: inout CommandRequest) -> [StoreKey: [UInt8]]? {
        switch keyspace.lookupForRead(request.key(at: 1), now: now) {
        case .none: return [:]
        case .some(.hash(let fields)): return fields
        case .some: request.replyWrongType(); return nil
        }
    }

    /// Runs `body` on the hash at `key` in place, creating it when missing; nil when the key holds another type.
    func modifyHash<R>(_ key: StoreKey, _ body: (inout [StoreKey: [UInt8]]) -> R) -> R? {
        let access = keyspace.modifyExisting(key, now: now) { value -> R? in
            guard case .hash(var fields) = value else { return nil }
            value = .integer(0)  // release the stored reference so `fields` is mutated without a copy
            defer { value = .hash(fields) }
            return body(&fields)
        }
        switch access {
        case .missing:
            var fields: [StoreKey: [UInt8]] = [:]
            let result = body(&fields)
            if !fields.isEmpty { keyspace.set(key, .hash(fields)) }
            return result
        case .wrongType:
            return nil
        case .done(let result):
            return result
        }
    }

    func hashSet(_ request: inout CommandRequest, onlyIfNew: Bool) {
        guard request.count % 2 == 0 else {
            return request.replyError(StoreReplies.wrongArity(request.string(at: 0).lowercased()))
        }
        let key = request.key(at: 1)
        let command = request.command
        let added = modifyHash(key) { fields -> Int in
            var added = 0
            for index in stride(from: 2, to: command.count, by: 2) {
                let field = command.withUnsafeBytes(at: index) { StoreKey($0) }
                if onlyIfNew && fields[field] != nil { continue }
                if fields.updateValue(command.bytes(at: index + 1), forKey: field) == nil { added += 1 }
            }
            return added
        }
        guard let added else { return request.replyWrongType() }
        if request.argument(0, is: "HMSET") { request.replyOK() } else { request.replyInteger(added) }
    }

    func hashDelete(_ request: inout CommandRequest) {
        let key = request.key(at: 1)
        guard case .hash = keyspace.lookupForWrite(key, now: now) else {
            return keyspace.contains(key, now: now) ? request.replyWrongType() : request.reply.writeRESP(.zero)
        }
        let command = request.command
        let removed =
            modifyHash(key) { fields -> Int in
                var removed = 0
                for index in 2..<command.count
                where fields.removeValue(forKey: command.withUnsafeBytes(at: index) { StoreKey($0) }) != nil {
                    removed += 1
                }
                return removed
            } ?? 0
        if case .hash(let fields) = keyspace.lookupForWrite(key, now: now), fields.isEmpty { keyspace.remove(key) }
        request.replyInteger(removed)
    }

    func hashIncrement(_ request: inout CommandRequest) {
        guard let amount = request.integer(at: 3) else { return }
        let key = request.key(at: 1)
        let field = request.key(at: 2)
        enum Outcome { case value(Int), notInteger, overflow }
        let outcome = modifyHash(key) { fields -> Outcome in
            var current = 0
            if let bytes = fields[field] {
                guard let value = StoreArguments.parseInteger(bytes) else { return .notInteger }
                current = value
            }
            let (result, overflow) = current.addingReportingOverflow(amount)
            guard !overflow else { return .overflow }
            fields[field] = Array(String(result).utf8)
            return .value(result)
        }
        switch outcome {
        case .none: request.replyWrongType()
        case .some(.notInteger): request.replyError("ERR hash value is not an integer")
        case .some(.overflow): request.replyError(StoreReplies.overflow)
        case .some(.value(let result)): request.replyInteger(result)
        }
    }

    func hashIncrementFloat(_ request: inout CommandRequest) {
        guard let amount = StoreArguments.parseDouble(request.command[3]) else {
            return request.replyError(StoreReplies.notAFloat)
        }
        let key = request.key(at: 1)
        let field = request.key(at: 2)
        enum Outcome { case value([UInt8]), notFloat, notFinite }
        let outcome = modifyHash(key) { fields -> Outcome in
            var current = 0.0
            if let bytes = fields[field] {
                guard let value = StoreArguments.parseDouble(bytes) else { return .notFloat }
                current = value
            }
            let result = current + amount
            guard result.isFinite else { return .notFinite }
            let text = Array(StoreArguments.formatDouble(result).utf8)
            fields[field] = text
            return .value(text)
        }
        switch outcome {
        case .none: request.replyWrongType()
        case .some(.notFloat): request.replyError("ERR hash value is not a float")
        case .some(.notFinite): request.replyError("ERR increment would produce NaN or Infinity")
        case .some(.value(let text)): request.replyBulk(text)
        }
    }

    /// HSCAN key cursor [MATCH pattern] [COUNT count]: the cursor counts fields in the dictionary's
    /// iteration order, which holds while the hash is not modified; resuming costs O(cursor).
    func hashScan(_ request: inout CommandRequest) {
        guard let options = ScanOptions.parse(&request, cursorIndex: 2, allowsType: false) else { return }
        guard let fields = readHash(&request) else { return }
        var position = fields.index(fields.startIndex, offsetBy: min(options.cursor, fields.count))
        var offset = min(options.cursor, fields.count)
        var found: [[UInt8]] = []
        var visited = 0
        while position != fields.endIndex && visited < options.count {
            let (field, value) = fields[position]
            fields.formIndex(after: &position)
            offset += 1
            visited += 1
            if options.matches(field) {
                found.append(field.withUnsafeBytes { Array($0) })
                found.append(value)
            }
        }
        request.replyScan(next: position == fields.endIndex ? 0 : offset, elements: found)
    }
}
