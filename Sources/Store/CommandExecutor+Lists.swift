import Core
import RESP

/// What became of a command on a list or set key: it was missing, held another type, or `body` ran.
enum CollectionAccess<R> {
    case missing
    case wrongType
    case done(R)
}

/// List commands (Redis's t_list.c). BLPOP and BRPOP block through `CommandExecutor+Blocking.swift`.
extension CommandExecutor {
    static var listCommands: [CommandSpec] {
        [
            CommandSpec("lpush", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.push(&$1, atHead: true, onlyIfExists: false)
            },
            CommandSpec("rpush", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.push(&$1, atHead: false, onlyIfExists: false)
            },
            CommandSpec("lpushx", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.push(&$1, atHead: true, onlyIfExists: true)
            },
            CommandSpec("rpushx", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) {
                $0.push(&$1, atHead: false, onlyIfExists: true)
            },
            CommandSpec("lpop", arity: -2, flags: [.write, .fast], keys: (1, 1, 1)) { $0.pop(&$1, atHead: true) },
            CommandSpec("rpop", arity: -2, flags: [.write, .fast], keys: (1, 1, 1)) { $0.pop(&$1, atHead: false) },
            CommandSpec("blpop", arity: -3, flags: [.write, .noscript, .blocking], keys: (1, -2, 1)) {
                $0.blockingPop(&$1, atHead: true)
            },
            CommandSpec("brpop", arity: -3, flags: [.write, .noscript, .blocking], keys: (1, -2, 1)) {
                $0.blockingPop(&$1, atHead: false)
            },
            CommandSpec("llen", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let list = executor.readList(&request) else { return }
                request.replyInteger(list.count)
            },
            CommandSpec("lindex", arity: 3, flags: [.readonly], keys: (1, 1, 1)) { executor, request in
                guard let index = request.integer(at: 2), let list = executor.readList(&request) else { return }
                let position = index < 0 ? list.count + index : index
                if position >= 0 && position < list.count {
                    request.replyBulk(list[position])
                } else {
                    request.replyNull()
                }
            },
            CommandSpec("lrange", arity: 4, flags: [.readonly], keys: (1, 1, 1)) { executor, request in
                guard let start = request.integer(at: 2), let stop = request.integer(at: 3) else { return }
                guard let list = executor.readList(&request) else { return }
                let range = Self.listRange(start: start, stop: stop, count: list.count)
                request.reply.writeRESPArrayHeader(range.count)
                for index in range { request.replyBulk(list[index]) }
            },
            CommandSpec("lset", arity: 4, flags: [.write, .denyOOM], keys: (1, 1, 1)) { $0.listSet(&$1) },
            CommandSpec("lrem", arity: 4, flags: [.write], keys: (1, 1, 1)) { $0.listRemove(&$1) },
            CommandSpec("ltrim", arity: 4, flags: [.write], keys: (1, 1, 1)) { $0.listTrim(&$1) },
        ]
    }

    /// The positions `start...stop` select in a list of `count` elements, with Redis's rules: negative
    /// indexes count from the tail, the range is clamped to the list, and an inverted range is empty.
    static func listRange(start: Int, stop: Int, count: Int) -> Range<Int> {
        var start = start < 0 ? count &+ start : start
        var stop = stop < 0 ? count &+ stop : stop
        if start < 0 { start = 0 }
        guard start <= stop, start < count else { return 0..<0 }
        if stop >= count { stop = count - 1 }
        return start..<(stop + 1)
    }

    /// The list at argument 1: empty when the key is missing, nil after a WRONGTYPE reply.
    func readList(_ request: inout CommandRequest) -> StoreList? {
        switch keyspace.lookupForRead(request.key(at: 1), now: now) {
        case .none: return StoreList()
        case .some(.list(let list)): return list
        case .some: request.replyWrongType(); return nil
        }
    }

    /// Runs `body` on the list at `key` in place, creating it when missing and `create`; a list left
    /// empty is deleted, as Redis never keeps an empty list.
    func modifyList<R>(_ key: StoreKey, create: Bool, _ body: (inout StoreList) -> R) -> CollectionAccess<R> {
        var emptied = false
        let access = keyspace.modifyExisting(key, now: now) { value -> R? in
            guard case .list(var list) = value else { return nil }
            value = .integer(0)  // release the stored reference so `list` is mutated without a copy
            defer { value = .list(list) }
            let result = body(&list)
            emptied = list.isEmpty
            return result
        }
        switch access {
        case .missing:
            guard create else { return .missing }
            var list = StoreList()
            let result = body(&list)
            if !list.isEmpty { keyspace.set(key, .list(list)) }
            return .done(result)
        case .wrongType:
            return .wrongType
        case .done:
            if emptied { keyspace.remove(key) }
            return access
        }
    }

    func push(_ request: inout CommandRequest, atHead: Bool, onlyIfExists: Bool) {
        let command = request.command
        let outcome = modifyList(request.key(at: 1), create: !onlyIfExists) { list -> Int in
            for index in 2..<command.count {
                if atHead { list.prepend(command.bytes(at: index)) } else { list.append(command.bytes(at: index)) }
            }
            return list.count
        }
        switch outcome {
        case .missing: request.reply.writeRESP(.zero)
        case .wrongType: request.replyWrongType()
        case .done(let length): request.replyInteger(length)
        }
    }

    /// LPOP/RPOP key [count]: without a count a bulk string or null; with one an array, a null array
    /// for a missing key, and an empty array for a count of 0 (Redis 7's rules).
    func pop(_ request: inout CommandRequest, atHead: Bool) {
        guard request.count <= 3 else {
            return request.replyError(StoreReplies.wrongArity(request.string(at: 0).lowercased()))
        }
        var count: Int?
        if request.count == 3 {
            guard let value = request.integer(at: 2) else { return }
            guard value >= 0 else { return request.replyError(StoreReplies.mustBePositive) }
            count = value
        }
        let outcome = modifyList(request.key(at: 1), create: false) { list -> [[UInt8]] in
            var popped: [[UInt8]] = []
            for _ in 0..<min(count ?? 1, list.count) {
                popped.append(atHead ? list.removeFirst() : list.removeLast())
            }
            return popped
        }
        switch outcome {
        case .missing:
            if count == nil {
                request.replyNull()
            } else {
                request.reply.writeRESPNullArray(protocol: request.protocolVersion)
            }
        case .wrongType:
            request.replyWrongType()
        case .done(let popped):
            guard count != nil else { return request.replyBulk(popped[0]) }
            request.reply.writeRESPArrayHeader(popped.count)
            for element in popped { request.replyBulk(element) }
        }
    }

    func listSet(_ request: inout CommandRequest) {
        guard let index = request.integer(at: 2) else { return }
        let element = request.bytes(at: 3)
        let outcome = modifyList(request.key(at: 1), create: false) { list -> Bool in
            let position = index < 0 ? list.count + index : index
            guard position >= 0 && position < list.count else { return false }
            list[position] = element
            return true
        }
        switch outcome {
        case .missing: request.replyError(StoreReplies.noSuchKey)
        case .wrongType: request.replyWrongType()
        case .done(false): request.replyError(StoreReplies.indexOutOfRange)
        case .done(true): request.replyOK()
        }
    }

    func listRemove(_ request: inout CommandRequest) {
        guard let count = request.integer(at: 2) else { return }
        let element = request.bytes(at: 3)
        let outcome = modifyList(request.key(at: 1), create: false) { list in
            list.remove(element, limit: count == .min ? Int.max : abs(count), fromTail: count < 0)
        }
        switch outcome {
        case .missing: request.reply.writeRESP(.zero)
        case .wrongType: request.replyWrongType()
        case .done(let removed): request.replyInteger(removed)
        }
    }

    func listTrim(_ request: inout CommandRequest) {
        guard let start = request.integer(at: 2), let stop = request.integer(at: 3) else { return }
        let outcome = modifyList(request.key(at: 1), create: false) { list in
            list.keep(Self.listRange(start: start, stop: stop, count: list.count))
        }
        if case .wrongType = outcome { request.replyWrongType() } else { request.replyOK() }
    }
}
