import Core
import RESP

/// String commands (Redis's t_string.c).
extension CommandExecutor {
    static var stringCommands: [CommandSpec] {
        [
            CommandSpec("get", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let value = executor.keyspace.lookupForRead(request.key(at: 1), now: executor.now) else {
                    return request.replyNull()
                }
                request.replyValue(value)
            },
            CommandSpec("set", arity: -3, flags: [.write, .denyOOM], keys: (1, 1, 1)) { $0.set(&$1) },
            CommandSpec("setnx", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) { executor, request in
                let key = request.key(at: 1)
                guard !executor.keyspace.contains(key, now: executor.now) else { return request.reply.writeRESP(.zero) }
                executor.keyspace.set(key, request.stringValue(at: 2))
                request.reply.writeRESP(.one)
            },
            CommandSpec("setex", arity: 4, flags: [.write, .denyOOM], keys: (1, 1, 1)) {
                $0.setWithExpiry(&$1, unit: 1000)
            },
            CommandSpec("psetex", arity: 4, flags: [.write, .denyOOM], keys: (1, 1, 1)) {
                $0.setWithExpiry(&$1, unit: 1)
            },
            CommandSpec("getset", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) { executor, request in
                let key = request.key(at: 1)
                let old = executor.keyspace.lookupForRead(key, now: executor.now)
                if let old, !old.isString { return request.replyWrongType() }
                executor.keyspace.set(key, request.stringValue(at: 2))
                if let old { request.replyValue(old) } else { request.replyNull() }
            },
            CommandSpec("getdel", arity: 2, flags: [.write, .fast], keys: (1, 1, 1)) { executor, request in
                let key = request.key(at: 1)
                guard let value = executor.keyspace.lookupForRead(key, now: executor.now) else {
                    return request.replyNull()
                }
                if !value.isString { return request.replyWrongType() }
                executor.keyspace.remove(key)
                request.replyValue(value)
            },
            CommandSpec("mget", arity: -2, flags: [.readonly, .fast], keys: (1, -1, 1)) { executor, request in
                request.reply.writeRESPArrayHeader(request.count - 1)
                for index in 1..<request.count {
                    switch executor.keyspace.lookupForRead(request.key(at: index), now: executor.now) {
                    case .some(let value) where value.isString: request.replyValue(value)
                    case .some, .none: request.replyNull()
                    }
                }
            },
            CommandSpec("mset", arity: -3, flags: [.write, .denyOOM], keys: (1, -1, 2)) {
                $0.mset(&$1, onlyIfNoneExist: false)
            },
            CommandSpec("msetnx", arity: -3, flags: [.write, .denyOOM], keys: (1, -1, 2)) {
                $0.mset(&$1, onlyIfNoneExist: true)
            },
            CommandSpec("incr", arity: 2, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.increment(&$1, by: 1)
            },
            CommandSpec("decr", arity: 2, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.increment(&$1, by: -1)
            },
            CommandSpec("incrby", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) { executor, request in
                guard let amount = request.integer(at: 2) else { return }
                executor.increment(&request, by: amount)
            },
            CommandSpec("decrby", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) { executor, request in
                guard let amount = request.integer(at: 2) else { return }
                guard amount != .min else { return request.replyError("ERR decrement would overflow") }
                executor.increment(&request, by: -amount)
            },
            CommandSpec("incrbyfloat", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.incrementFloat(&$1)
            },
            CommandSpec("append", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) { $0.append(&$1) },
            CommandSpec("strlen", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                switch executor.keyspace.lookupForRead(request.key(at: 1), now: executor.now) {
                case .none: request.reply.writeRESP(.zero)
                case .some(let value):
                    guard let length = value.stringLength else { return request.replyWrongType() }
                    request.replyInteger(length)
                }
            },
            CommandSpec("getrange", arity: 4, flags: [.readonly], keys: (1, 1, 1)) { $0.getRange(&$1) },
            CommandSpec("substr", arity: 4, flags: [.readonly], keys: (1, 1, 1)) { $0.getRange(&$1) },
            CommandSpec("setrange", arity: 4, flags: [.write, .denyOOM], keys: (1, 1, 1)) { $0.setRange(&$1) },
        ]
    }

    /// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL].
    func set(_ request: inout CommandRequest) {
        var nx = false
        var xx = false
        var get = false
        var keepTTL = false
        var deadline: Int64?
        var index = 3
        while index < request.count {
            let hasNext = index + 1 < request.count
            if request.argument(index, is: "NX") && !xx {
                nx = true
            } else if request.argument(index, is: "XX") && !nx {
                xx = true
            } else if request.argument(index, is: "GET") {
                get = true
            } else if request.argument(index, is: "KEEPTTL") && deadline == nil {
                keepTTL = true
            } else if hasNext && deadline == nil && !keepTTL,
                let unit = Self.expiryUnit(request, index)
            {
                guard let amount = request.integer(at: index + 1) else { return }
                guard amount > 0 else { return request.replyError(StoreReplies.invalidExpireTime("set")) }
                let (scaled, overflow1) = Int64(amount).multipliedReportingOverflow(by: unit.milliseconds)
                let (sum, overflow2) = scaled.addingReportingOverflow(unit.isRelative ? now : 0)
                guard !overflow1, !overflow2 else { return request.replyError(StoreReplies.invalidExpireTime("set")) }
                deadline = sum
                index += 1
            } else {
                return request.replySyntaxError()
            }
            index += 1
        }
        let key = request.key(at: 1)
        let old = get ? keyspace.lookupForRead(key, now: now) : keyspace.lookupForWrite(key, now: now)
        if get, let old, !old.isString { return request.replyWrongType() }
        if (nx && old != nil) || (xx && old == nil) {
            return get ? (old.map { request.replyValue($0) } ?? request.replyNull()) : request.replyNull()
        }
        keyspace.set(key, request.stringValue(at: 2), keepingTTL: keepTTL)
        if let deadline {
            if deadline <= now { keyspace.remove(key) } else { keyspace.setDeadline(deadline, for: key) }
        }
        if get {
            if let old { request.replyValue(old) } else { request.replyNull() }
        } else {
            request.replyOK()
        }
    }

    private static func expiryUnit(
        _ request: CommandRequest, _ index: Int
    ) -> (milliseconds: Int64, isRelative: Bool)? {
        if request.argument(index, is: "EX") { return (1000, true) }
        if request.argument(index, is: "PX") { return (1, true) }
        if request.argument(index, is: "EXAT") { return (1000, false) }
        if request.argument(index, is: "PXAT") { return (1, false) }
        return nil
    }

    func setWithExpiry(_ request: inout CommandRequest, unit: Int64) {
        let name = request.string(at: 0).lowercased()
        guard let amount = request.integer(at: 2) else { return }
        let (scaled, overflow1) = Int64(amount).multipliedReportingOverflow(by: unit)
        let (deadline, overflow2) = scaled.addingReportingOverflow(now)
        guard amount > 0, !overflow1, !overflow2 else {
            return request.replyError(StoreReplies.invalidExpireTime(name))
        }
        let key = request.key(at: 1)
        keyspace.set(key, request.stringValue(at: 3))
        keyspace.setDeadline(deadline, for: key)
        request.replyOK()
    }

    func mset(_ request: inout CommandRequest, onlyIfNoneExist: Bool) {
        guard request.count % 2 == 1 else {
            return request.replyError(StoreReplies.wrongArity(onlyIfNoneExist ? "msetnx" : "mset"))
        }
        if onlyIfNoneExist {
            for index in stride(from: 1, to: request.count, by: 2)
            where keyspace.contains(request.key(at: index), now: now) {
                return request.reply.writeRESP(.zero)
            }
        }
        for index in stride(from: 1, to: request.count, by: 2) {
            keyspace.set(request.key(at: index), request.stringValue(at: index + 1))
        }
        if onlyIfNoneExist { request.reply.writeRESP(.one) } else { request.replyOK() }
    }

    func increment(_ request: inout CommandRequest, by amount: Int) {
        let key = request.key(at: 1)
        let current: Int
        switch keyspace.lookupForWrite(key, now: now) {
        case .none: current = 0
        case .some(.integer(let value)): current = value
        case .some(.string(let bytes)):
            guard let value = StoreArguments.parseInteger(bytes) else {
                return request.replyError(StoreReplies.notAnInteger)
            }
            current = value
        case .some(.inlineString(let bytes)):
            guard let value = bytes.withUnsafeBytes({ StoreArguments.parseInteger($0) }) else {
                return request.replyError(StoreReplies.notAnInteger)
            }
            current = value
        case .some(.hash), .some(.list), .some(.set), .some(.sortedSet), .some(.stream): return request.replyWrongType()
        }
        let (result, overflow) = current.addingReportingOverflow(amount)
        guard !overflow else { return request.replyError(StoreReplies.overflow) }
        if keyspace.update(key, { $0 = .integer(result) }) == nil { keyspace.set(key, .integer(result)) }
        request.replyInteger(result)
    }

    func incrementFloat(_ request: inout CommandRequest) {
        let key = request.key(at: 1)
        guard let amount = StoreArguments.parseDouble(request.command[2]) else {
            return request.replyError(StoreReplies.notAFloat)
        }
        var current = 0.0
        switch keyspace.lookupForWrite(key, now: now) {
        case .none: break
        case .some(.integer(let value)): current = Double(value)
        case .some(.string(let bytes)):
            guard let value = StoreArguments.parseDouble(bytes) else {
                return request.replyError(StoreReplies.notAFloat)
            }
            current = value
        case .some(.inlineString(let bytes)):
            guard let value = StoreArguments.parseDouble(bytes.bytes) else {
                return request.replyError(StoreReplies.notAFloat)
            }
            current = value
        case .some(.hash), .some(.list), .some(.set), .some(.sortedSet), .some(.stream): return request.replyWrongType()
        }
        let result = current + amount
        guard result.isFinite else { return request.replyError("ERR increment would produce NaN or Infinity") }
        let text = Array(StoreArguments.formatDouble(result).utf8)
        if keyspace.update(key, { $0 = .string(text) }) == nil { keyspace.set(key, .string(text)) }
        request.replyBulk(text)
    }

    func append(_ request: inout CommandRequest) {
        let key = request.key(at: 1)
        let suffix = request.command[2]
        switch keyspace.lookupForWrite(key, now: now) {
        case .none:
            keyspace.set(key, .makeString(Array(suffix)))
            request.replyInteger(suffix.count)
        case .some(let value) where !value.isString:
            request.replyWrongType()
        case .some(let value):
            let length = keyspace.update(key) { stored -> Int in
                var bytes = value.stringBytes ?? []
                stored = .string([])  // drop the stored reference so the append below does not copy
                bytes.append(contentsOf: suffix)
                stored = .string(bytes)
                return bytes.count
            }
            request.replyInteger(length ?? 0)
        }
    }

    func getRange(_ request: inout CommandRequest) {
        guard let startArgument = request.integer(at: 2), let endArgument = request.integer(at: 3) else { return }
        guard let value = keyspace.lookupForRead(request.key(at: 1), now: now) else { return request.replyBulk([]) }
        guard let bytes = value.stringBytes else { return request.replyWrongType() }
        var start = startArgument
        var end = endArgument
        let length = bytes.count
        if start < 0 && end < 0 && start > end { return request.replyBulk([]) }
        if start < 0 { start = length + start }
        if end < 0 { end = length + end }
        start = max(start, 0)
        end = max(end, 0)
        if end >= length { end = length - 1 }
        if length == 0 || start > end { return request.replyBulk([]) }
        request.reply.writeRESPBulkString(bytes[start...end])
    }

    func setRange(_ request: inout CommandRequest) {
        guard let offset = request.integer(at: 2) else { return }
        guard offset >= 0 else { return request.replyError("ERR offset is out of range") }
        let key = request.key(at: 1)
        let patch = request.command[3]
        let existing = keyspace.lookupForWrite(key, now: now)
        if let existing, !existing.isString { return request.replyWrongType() }
        var bytes = existing?.stringBytes ?? []
        if patch.isEmpty { return request.replyInteger(bytes.count) }
        // Subtracting, not adding: an offset near Int.max must be refused, not overflow.
        guard offset <= configuration.protoMaxBulkLength - patch.count else {
            return request.replyError(StoreReplies.stringTooLong)
        }
        if bytes.count < offset + patch.count {
            bytes += [UInt8](repeating: 0, count: offset + patch.count - bytes.count)
        }
        bytes.replaceSubrange(offset..<(offset + patch.count), with: patch)
        if existing == nil {
            keyspace.set(key, .string(bytes))
        } else {
            _ = keyspace.update(key) { $0 = .string(bytes) }
        }
        request.replyInteger(bytes.count)
    }
}
