import Core
import RESP

/// Set commands (Redis's t_set.c). Whole-set replies are RESP3 sets (`~`) on a RESP3 connection.
extension CommandExecutor {
    static var setCommands: [CommandSpec] {
        [
            CommandSpec("sadd", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) { executor, request in
                let command = request.command
                let outcome = executor.modifySet(request.key(at: 1), create: true) { set -> Int in
                    var added = 0
                    for index in 2..<command.count where set.insert(command.withUnsafeBytes(at: index) { StoreKey($0) })
                    {
                        added += 1
                    }
                    return added
                }
                request.reply(outcome)
            },
            CommandSpec("srem", arity: -3, flags: [.write, .fast], keys: (1, 1, 1)) { executor, request in
                let command = request.command
                let outcome = executor.modifySet(request.key(at: 1), create: false) { set -> Int in
                    var removed = 0
                    for index in 2..<command.count where set.remove(command.withUnsafeBytes(at: index) { StoreKey($0) })
                    {
                        removed += 1
                    }
                    return removed
                }
                request.reply(outcome)
            },
            CommandSpec("smembers", arity: 2, flags: [.readonly], keys: (1, 1, 1)) { executor, request in
                guard let set = executor.readSet(&request, at: 1) else { return }
                request.replySet(set.members)
            },
            CommandSpec("sismember", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let set = executor.readSet(&request, at: 1) else { return }
                request.reply.writeRESP(set.contains(request.key(at: 2)) ? .one : .zero)
            },
            CommandSpec("smismember", arity: -3, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let set = executor.readSet(&request, at: 1) else { return }
                request.reply.writeRESPArrayHeader(request.count - 2)
                for index in 2..<request.count {
                    request.reply.writeRESP(set.contains(request.key(at: index)) ? .one : .zero)
                }
            },
            CommandSpec("scard", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let set = executor.readSet(&request, at: 1) else { return }
                request.replyInteger(set.count)
            },
            CommandSpec("spop", arity: -2, flags: [.write, .fast], keys: (1, 1, 1)) { $0.setPop(&$1) },
            CommandSpec("srandmember", arity: -2, flags: [.readonly], keys: (1, 1, 1)) { $0.setRandomMember(&$1) },
            CommandSpec("sinter", arity: -2, flags: [.readonly], keys: (1, -1, 1)) {
                $0.setAlgebra(&$1, .intersection)
            },
            CommandSpec("sunion", arity: -2, flags: [.readonly], keys: (1, -1, 1)) { $0.setAlgebra(&$1, .union) },
            CommandSpec("sdiff", arity: -2, flags: [.readonly], keys: (1, -1, 1)) { $0.setAlgebra(&$1, .difference) },
            CommandSpec("sscan", arity: -3, flags: [.readonly], keys: (1, 1, 1)) { $0.setScan(&$1) },
        ]
    }

    /// The set at argument `index`: empty when the key is missing, nil after a WRONGTYPE reply.
    /// SSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is a position in the member array,
    /// with `DenseDictionary`'s guarantees (removal moves the last member into the hole).
    func setScan(_ request: inout CommandRequest) {
        guard let options = ScanOptions.parse(&request, cursorIndex: 2, allowsType: false) else { return }
        guard let set = readSet(&request, at: 1) else { return }
        var position = options.cursor
        var found: [[UInt8]] = []
        var visited = 0
        while position < set.count && visited < options.count {
            let member = set.members[position]
            position += 1
            visited += 1
            if options.matches(member) { found.append(member.withUnsafeBytes { Array($0) }) }
        }
        request.replyScan(next: position >= set.count ? 0 : position, elements: found)
    }

    func readSet(_ request: inout CommandRequest, at index: Int) -> StoreSet? {
        switch keyspace.lookupForRead(request.key(at: index), now: now) {
        case .none: return StoreSet()
        case .some(.set(let set)): return set
        case .some: request.replyWrongType(); return nil
        }
    }

    /// Runs `body` on the set at `key` in place, creating it when missing and `create`; a set left empty
    /// is deleted.
    func modifySet<R>(_ key: StoreKey, create: Bool, _ body: (inout StoreSet) -> R) -> CollectionAccess<R> {
        switch keyspace.lookupForWrite(key, now: now) {
        case .none:
            guard create else { return .missing }
            var set = StoreSet()
            let result = body(&set)
            if !set.isEmpty { keyspace.set(key, .set(set)) }
            return .done(result)
        case .some(.set):
            break
        case .some:
            return .wrongType
        }
        var emptied = false
        let result = keyspace.update(key) { value -> R? in
            guard case .set(var set) = value else { return nil }
            value = .integer(0)  // release the stored reference so `set` is mutated without a copy
            let result = body(&set)
            emptied = set.isEmpty
            value = .set(set)
            return result
        }
        guard let result, let result else { return .wrongType }
        if emptied { keyspace.remove(key) }
        return .done(result)
    }

    /// SPOP key [count]: without a count a bulk string or null; with one a set of up to `count` members.
    func setPop(_ request: inout CommandRequest) {
        guard request.count <= 3 else { return request.replySyntaxError() }
        var count: Int?
        if request.count == 3 {
            guard let value = request.integer(at: 2) else { return }
            guard value >= 0 else { return request.replyError(StoreReplies.mustBePositive) }
            count = value
        }
        let outcome = modifySet(request.key(at: 1), create: false) { set -> [StoreKey] in
            var popped: [StoreKey] = []
            for _ in 0..<min(count ?? 1, set.count) {
                let member = set.randomMember(using: &generator)
                set.remove(member)
                popped.append(member)
            }
            return popped
        }
        switch outcome {
        case .missing:
            if count == nil { request.replyNull() } else { request.replySet([]) }
        case .wrongType:
            request.replyWrongType()
        case .done(let popped):
            // Which members went is random: replicas and the AOF must remove the same ones.
            request.propagation =
                popped.isEmpty ? [] : [RESPCommand([Array("SREM".utf8), request.bytes(at: 1)] + popped.map(\.bytes))]
            guard count != nil else { return popped[0].withUnsafeBytes { request.reply.writeRESPBulkString($0) } }
            request.replySet(popped)
        }
    }

    /// SRANDMEMBER key [count]: a positive count gives up to `count` distinct members, a negative one
    /// exactly `-count` members that may repeat; both as an array.
    func setRandomMember(_ request: inout CommandRequest) {
        guard request.count <= 3 else { return request.replySyntaxError() }
        var count: Int?
        if request.count == 3 {
            guard let value = request.integer(at: 2) else { return }
            guard value != .min else { return request.replyError("ERR value is out of range") }
            count = value
        }
        guard let set = readSet(&request, at: 1) else { return }
        guard let count else {
            if set.isEmpty { return request.replyNull() }
            return set.randomMember(using: &generator).withUnsafeBytes { request.reply.writeRESPBulkString($0) }
        }
        var chosen: [StoreKey] = []
        if set.isEmpty || count == 0 {
            chosen = []
        } else if count < 0 {
            for _ in 0..<(-count) { chosen.append(set.randomMember(using: &generator)) }
        } else if count >= set.count {
            chosen = set.members
        } else {
            // A partial Fisher-Yates shuffle of the positions: `count` distinct members in random order.
            var positions = Array(0..<set.count)
            for index in 0..<count {
                positions.swapAt(index, Int.random(in: index..<positions.count, using: &generator))
                chosen.append(set.members[positions[index]])
            }
        }
        request.reply.writeRESPArrayHeader(chosen.count)
        for member in chosen { member.withUnsafeBytes { request.reply.writeRESPBulkString($0) } }
    }

    enum SetOperation { case intersection, union, difference }

    /// SINTER, SUNION, SDIFF: every key is type-checked first (a missing key is an empty set), then the
    /// result is computed from the first set's order.
    func setAlgebra(_ request: inout CommandRequest, _ operation: SetOperation) {
        var sets: [StoreSet] = []
        for index in 1..<request.count {
            guard let set = readSet(&request, at: index) else { return }
            sets.append(set)
        }
        var result: [StoreKey] = []
        switch operation {
        case .intersection:
            let smallest = sets.indices.min { sets[$0].count < sets[$1].count }!
            result = sets[smallest].members.filter { member in sets.allSatisfy { $0.contains(member) } }
        case .union:
            var union = StoreSet()
            for set in sets { for member in set.members { union.insert(member) } }
            result = union.members
        case .difference:
            result = sets[0].members.filter { member in !sets.dropFirst().contains { $0.contains(member) } }
        }
        request.replySet(result)
    }
}

extension CommandRequest {
    /// Members as a set reply: `~` in RESP3, an array in RESP2.
    mutating func replySet(_ members: [StoreKey]) {
        reply.writeRESPSetHeader(members.count, protocol: protocolVersion)
        for member in members { member.withUnsafeBytes { reply.writeRESPBulkString($0) } }
    }

    /// The integer a SADD/SREM-style command counted, 0 for a missing key, or WRONGTYPE.
    mutating func reply(_ outcome: CollectionAccess<Int>) {
        switch outcome {
        case .missing: reply.writeRESP(.zero)
        case .wrongType: replyWrongType()
        case .done(let count): replyInteger(count)
        }
    }
}
