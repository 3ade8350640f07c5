import Core
import RESP

/// Sorted set commands (Redis's t_zset.c). Scores reply as bulk strings in RESP2 and doubles in RESP3,
/// with the shortest text that reads back as the same value (`1.5`, `inf`), as Redis 7.2 writes them.
extension CommandExecutor {
    static var sortedSetCommands: [CommandSpec] {
        [
            CommandSpec("zadd", arity: -4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) { $0.zadd(&$1) },
            CommandSpec("zincrby", arity: 4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) { $0.zincrby(&$1) },
            CommandSpec("zrem", arity: -3, flags: [.write, .fast], keys: (1, 1, 1)) { executor, request in
                let command = request.command
                let outcome = executor.modifySortedSet(request.key(at: 1), create: false) { zset -> Int in
                    var removed = 0
                    for index in 2..<command.count
                    where zset.remove(command.withUnsafeBytes(at: index) { StoreKey($0) }) {
                        removed += 1
                    }
                    return removed
                }
                request.reply(outcome)
            },
            CommandSpec("zscore", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let zset = executor.readSortedSet(&request, at: 1) else { return }
                guard let score = zset.score(of: request.key(at: 2)) else { return request.replyNull() }
                request.replyScore(score)
            },
            CommandSpec("zcard", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let zset = executor.readSortedSet(&request, at: 1) else { return }
                request.replyInteger(zset.count)
            },
            CommandSpec("zcount", arity: 4, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let range = request.scoreRange(min: 2, max: 3) else { return }
                guard let zset = executor.readSortedSet(&request, at: 1) else { return }
                request.replyInteger(range.indices(in: zset).count)
            },
            CommandSpec("zrank", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let zset = executor.readSortedSet(&request, at: 1) else { return }
                guard let rank = zset.rank(of: request.key(at: 2)) else { return request.replyNull() }
                request.replyInteger(rank)
            },
            CommandSpec("zrange", arity: -4, flags: [.readonly], keys: (1, 1, 1)) { $0.zrange(&$1, style: .zrange) },
            CommandSpec("zrangebyscore", arity: -4, flags: [.readonly], keys: (1, 1, 1)) {
                $0.zrange(&$1, style: .byScore)
            },
            CommandSpec("zrevrange", arity: -4, flags: [.readonly], keys: (1, 1, 1)) {
                $0.zrange(&$1, style: .reverse)
            },
            CommandSpec("zrangebylex", arity: -4, flags: [.readonly], keys: (1, 1, 1)) {
                $0.zrange(&$1, style: .byLex)
            },
            CommandSpec("zrevrangebylex", arity: -4, flags: [.readonly], keys: (1, 1, 1)) {
                $0.zrange(&$1, style: .reverseByLex)
            },
            CommandSpec("zlexcount", arity: 4, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let range = request.lexRange(min: 2, max: 3) else { return }
                guard let zset = executor.readSortedSet(&request, at: 1) else { return }
                request.replyInteger(range.indices(in: zset).count)
            },
            CommandSpec("zpopmin", arity: -2, flags: [.write, .fast], keys: (1, 1, 1)) { $0.zpop(&$1, max: false) },
            CommandSpec("zpopmax", arity: -2, flags: [.write, .fast], keys: (1, 1, 1)) { $0.zpop(&$1, max: true) },
            CommandSpec("zscan", arity: -3, flags: [.readonly], keys: (1, 1, 1)) { $0.zscan(&$1) },
        ]
    }

    /// The sorted set at argument `index`: empty when the key is missing, nil after a WRONGTYPE reply.
    func readSortedSet(_ request: inout CommandRequest, at index: Int) -> StoreSortedSet? {
        switch keyspace.lookupForRead(request.key(at: index), now: now) {
        case .none: return StoreSortedSet()
        case .some(.sortedSet(let zset)): return zset
        case .some: request.replyWrongType(); return nil
        }
    }

    /// ZSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is a rank, so a member added or
    /// removed below it between calls shifts what the next call sees by one. Scores are bulk strings in
    /// every protocol, as Redis replies them.
    func zscan(_ request: inout CommandRequest) {
        guard let options = ScanOptions.parse(&request, cursorIndex: 2, allowsType: false) else { return }
        guard let zset = readSortedSet(&request, at: 1) else { return }
        var position = options.cursor
        var found: [StoreSortedSet.Entry] = []
        var visited = 0
        while position < zset.count && visited < options.count {
            let entry = zset.entries[position]
            position += 1
            visited += 1
            if options.matches(entry.member) { found.append(entry) }
        }
        request.reply.writeRESPArrayHeader(2)
        request.replyBulk(String(position >= zset.count ? 0 : position))
        request.reply.writeRESPArrayHeader(found.count * 2)
        for entry in found {
            entry.member.withUnsafeBytes { request.reply.writeRESPBulkString($0) }
            request.reply.writeRESPDouble(entry.score, protocol: .resp2)
        }
    }

    /// Runs `body` on the sorted set at `key` in place, creating it when missing and `create`; one left
    /// empty is deleted.
    func modifySortedSet<R>(
        _ key: StoreKey, create: Bool, _ body: (inout StoreSortedSet) -> R
    ) -> CollectionAccess<R> {
        switch keyspace.lookupForWrite(key, now: now) {
        case .none:
            guard create else { return .missing }
            var zset = StoreSortedSet()
            let result = body(&zset)
            if !zset.isEmpty { keyspace.set(key, .sortedSet(zset)) }
            return .done(result)
        case .some(.sortedSet):
            break
        case .some:
            return .wrongType
        }
        var emptied = false
        let result = keyspace.update(key) { value -> R? in
            guard case .sortedSet(var zset) = value else { return nil }
            value = .integer(0)  // release the stored reference so `zset` is mutated without a copy
            let result = body(&zset)
            emptied = zset.isEmpty
            value = .sortedSet(zset)
            return result
        }
        guard let result, let result else { return .wrongType }
        if emptied { keyspace.remove(key) }
        return .done(result)
    }

    /// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...].
    func zadd(_ request: inout CommandRequest) {
        var nx = false
        var xx = false
        var gt = false
        var lt = false
        var ch = false
        var incr = false
        var index = 2
        while index < request.count {
            if request.argument(index, is: "NX") {
                nx = true
            } else if request.argument(index, is: "XX") {
                xx = true
            } else if request.argument(index, is: "GT") {
                gt = true
            } else if request.argument(index, is: "LT") {
                lt = true
            } else if request.argument(index, is: "CH") {
                ch = true
            } else if request.argument(index, is: "INCR") {
                incr = true
            } else {
                break
            }
            index += 1
        }
        let pairCount = (request.count - index) / 2
        guard pairCount > 0, (request.count - index) % 2 == 0 else { return request.replySyntaxError() }
        if nx && xx {
            return request.replyError("ERR XX and NX options at the same time are not compatible")
        }
        if (gt && nx) || (lt && nx) || (gt && lt) {
            return request.replyError("ERR GT, LT, and/or NX options at the same time are not compatible")
        }
        if incr && pairCount > 1 {
            return request.replyError("ERR INCR option supports a single increment-element pair")
        }
        var pairs: [(score: Double, member: StoreKey)] = []
        pairs.reserveCapacity(pairCount)
        for pair in 0..<pairCount {
            guard let score = StoreArguments.parseDouble(request.command[index + 2 * pair]) else {
                return request.replyError(StoreReplies.notAFloat)
            }
            pairs.append((score, request.key(at: index + 2 * pair + 1)))
        }
        let key = request.key(at: 1)
        // XX on a missing key creates nothing, so the empty set is not stored.
        let outcome = modifySortedSet(key, create: !xx) { zset -> (changed: Int, score: Double?, isNaN: Bool) in
            var added = 0
            var updated = 0
            var lastScore: Double?
            for (score, member) in pairs {
                var newScore = score
                if let current = zset.score(of: member) {
                    if nx { lastScore = nil; continue }
                    if incr {
                        newScore = current + score
                        if newScore.isNaN { return (0, nil, true) }
                    }
                    if (gt && newScore <= current) || (lt && newScore >= current) { lastScore = nil; continue }
                    lastScore = newScore
                    if newScore != current {
                        zset.set(member, score: newScore)
                        updated += 1
                    }
                } else {
                    if xx { lastScore = nil; continue }
                    zset.set(member, score: newScore)
                    lastScore = newScore
                    added += 1
                }
            }
            return (ch ? added + updated : added, lastScore, false)
        }
        switch outcome {
        case .wrongType: request.replyWrongType()
        case .missing: if incr { request.replyNull() } else { request.replyInteger(0) }
        case .done(let result):
            if result.isNaN { return request.replyError("ERR resulting score is not a number (NaN)") }
            if !incr { return request.replyInteger(result.changed) }
            if let score = result.score { request.replyScore(score) } else { request.replyNull() }
        }
    }

    /// ZINCRBY key increment member.
    func zincrby(_ request: inout CommandRequest) {
        guard let amount = StoreArguments.parseDouble(request.command[2]) else {
            return request.replyError(StoreReplies.notAFloat)
        }
        let member = request.key(at: 3)
        let outcome = modifySortedSet(request.key(at: 1), create: true) { zset -> Double? in
            let score = (zset.score(of: member) ?? 0) + amount
            guard !score.isNaN else { return nil }
            zset.set(member, score: score)
            return score
        }
        switch outcome {
        case .wrongType: request.replyWrongType()
        case .missing: request.replyNull()
        case .done(let score):
            guard let score else { return request.replyError("ERR resulting score is not a number (NaN)") }
            request.replyScore(score)
        }
    }

    /// Which command's argument layout ZRANGE parses.
    enum RangeStyle {
        case zrange, byScore, reverse, byLex, reverseByLex
    }

    /// What ZRANGE's start and stop mean.
    private enum RangeKind {
        case rank, score, lex
    }

    /// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES], and ZRANGEBYSCORE,
    /// ZREVRANGE, ZRANGEBYLEX and ZREVRANGEBYLEX, which are fixed forms of it.
    func zrange(_ request: inout CommandRequest, style: RangeStyle) {
        var kind: RangeKind =
            switch style {
            case .zrange, .reverse: .rank
            case .byScore: .score
            case .byLex, .reverseByLex: .lex
            }
        var reverse = style == .reverse || style == .reverseByLex
        var withScores = false
        var limit: (offset: Int, count: Int)?
        var index = 4
        while index < request.count {
            if request.argument(index, is: "WITHSCORES") {
                withScores = true
            } else if style == .zrange && kind == .rank && request.argument(index, is: "BYSCORE") {
                kind = .score
            } else if style == .zrange && kind == .rank && request.argument(index, is: "BYLEX") {
                kind = .lex
            } else if style == .zrange && request.argument(index, is: "REV") {
                reverse = true
            } else if style != .reverse && request.argument(index, is: "LIMIT") && index + 2 < request.count {
                guard let offset = request.integer(at: index + 1), let count = request.integer(at: index + 2) else {
                    return
                }
                limit = (offset, count)
                index += 2
            } else {
                return request.replySyntaxError()
            }
            index += 1
        }
        if limit != nil && kind == .rank {
            return request.replyError(
                "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
        }
        if withScores && kind == .lex {
            return request.replyError("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
        }
        // The reverse forms take max then min, as ZREVRANGEBYSCORE does.
        let (minIndex, maxIndex) = reverse ? (3, 2) : (2, 3)
        let indices: Range<Int>
        let zset: StoreSortedSet
        switch kind {
        case .rank:
            guard let start = request.integer(at: 2), let stop = request.integer(at: 3) else { return }
            guard let found = readSortedSet(&request, at: 1) else { return }
            zset = found
            let count = zset.count
            var first = start < 0 ? max(count + start, 0) : start
            var last = stop < 0 ? count + stop : min(stop, count - 1)
            if reverse { (first, last) = (count - 1 - last, count - 1 - first) }
            indices = first <= last && first < count && last >= 0 ? first..<(last + 1) : 0..<0
        case .score:
            guard let range = request.scoreRange(min: minIndex, max: maxIndex) else { return }
            guard let found = readSortedSet(&request, at: 1) else { return }
            zset = found
            indices = range.indices(in: zset)
        case .lex:
            guard let range = request.lexRange(min: minIndex, max: maxIndex) else { return }
            guard let found = readSortedSet(&request, at: 1) else { return }
            zset = found
            indices = range.indices(in: zset)
        }
        request.replyEntries(Self.slice(zset, indices, limit: limit, reverse: reverse), withScores: withScores)
    }

    /// The entries at `indices`, reversed when `reverse`, after LIMIT's offset and count (a negative
    /// offset selects nothing, a negative count everything after the offset).
    private static func slice(
        _ zset: StoreSortedSet, _ indices: Range<Int>, limit: (offset: Int, count: Int)?, reverse: Bool
    ) -> [StoreSortedSet.Entry] {
        var offset = limit?.offset ?? 0
        var count = limit?.count ?? -1
        if offset < 0 { count = 0 }
        offset = max(offset, 0)
        if count < 0 { count = Int.max }
        let taken = min(max(indices.count - offset, 0), count)
        guard taken > 0 else { return [] }
        let entries = zset.entries
        if reverse {
            let end = indices.upperBound - offset
            return entries[(end - taken)..<end].reversed()
        }
        let start = indices.lowerBound + offset
        return Array(entries[start..<(start + taken)])
    }

    /// ZPOPMIN/ZPOPMAX key [count].
    func zpop(_ request: inout CommandRequest, max: Bool) {
        guard request.count <= 3 else { return request.replySyntaxError() }
        var count = 1
        if request.count == 3 {
            guard let value = request.integer(at: 2) else { return }
            guard value >= 0 else { return request.replyError(StoreReplies.mustBePositive) }
            count = value
        }
        let outcome = modifySortedSet(request.key(at: 1), create: false) { zset -> [StoreSortedSet.Entry] in
            let taken = Swift.min(count, zset.count)
            let popped = max ? Array(zset.entries.suffix(taken).reversed()) : Array(zset.entries.prefix(taken))
            for entry in popped { zset.remove(entry.member) }
            return popped
        }
        switch outcome {
        case .wrongType: request.replyWrongType()
        case .missing: request.reply.writeRESP(.emptyArray)
        case .done(let popped):
            if request.count == 3 {
                request.replyEntries(popped, withScores: true)
            } else {
                request.replyEntries(popped, withScores: true, nested: false)
            }
        }
    }
}

/// A score interval with Redis's syntax: `1.5`, `(1.5` (exclusive), `-inf`, `+inf`.
struct ScoreRange {
    var min: Double
    var minExclusive: Bool
    var max: Double
    var maxExclusive: Bool

    /// The bound `bytes` spell, nil when it is not a float.
    static func bound(_ bytes: [UInt8]) -> (value: Double, exclusive: Bool)? {
        if bytes.first == UInt8(ascii: "(") {
            guard let value = StoreArguments.parseDouble(bytes.dropFirst()) else { return nil }
            return (value, true)
        }
        guard let value = StoreArguments.parseDouble(bytes) else { return nil }
        return (value, false)
    }

    /// The positions of `zset.entries` inside the interval (empty when it is).
    func indices(in zset: StoreSortedSet) -> Range<Int> {
        let lower = zset.firstIndex(atLeast: min, exclusive: minExclusive)
        let upper = zset.endIndex(atMost: max, exclusive: maxExclusive)
        return lower < upper ? lower..<upper : 0..<0
    }
}

/// A member interval with Redis's syntax: `[a` inclusive, `(a` exclusive, `-` and `+` the ends. It
/// assumes every member has the same score, as Redis's lexicographic commands do.
struct LexRange {
    /// One end of the interval.
    enum Bound {
        case minusInfinity, plusInfinity
        case inclusive([UInt8])
        case exclusive([UInt8])
    }

    var min: Bound
    var max: Bound

    /// The bound `bytes` spell, nil when it is not one.
    static func bound(_ bytes: [UInt8]) -> Bound? {
        switch bytes.first {
        case UInt8(ascii: "-") where bytes.count == 1: .minusInfinity
        case UInt8(ascii: "+") where bytes.count == 1: .plusInfinity
        case UInt8(ascii: "["): .inclusive(Array(bytes.dropFirst()))
        case UInt8(ascii: "("): .exclusive(Array(bytes.dropFirst()))
        default: nil
        }
    }

    /// The positions of `zset.entries` inside the interval (empty when it is).
    func indices(in zset: StoreSortedSet) -> Range<Int> {
        let lower = zset.partitioningIndex { !Self.isBelow($0.member, min) }
        let upper = zset.partitioningIndex { Self.isAbove($0.member, max) }
        return lower < upper ? lower..<upper : 0..<0
    }

    /// Whether `member` lies before `bound` seen as a minimum.
    private static func isBelow(_ member: StoreKey, _ bound: Bound) -> Bool {
        switch bound {
        case .minusInfinity: false
        case .plusInfinity: true
        case .inclusive(let value): member.withUnsafeBytes { $0.lexicographicallyPrecedes(value) }
        case .exclusive(let value): member.withUnsafeBytes { !value.lexicographicallyPrecedes($0) }
        }
    }

    /// Whether `member` lies past `bound` seen as a maximum.
    private static func isAbove(_ member: StoreKey, _ bound: Bound) -> Bool {
        switch bound {
        case .minusInfinity: true
        case .plusInfinity: false
        case .inclusive(let value): member.withUnsafeBytes { value.lexicographicallyPrecedes($0) }
        case .exclusive(let value): member.withUnsafeBytes { !$0.lexicographicallyPrecedes(value) }
        }
    }
}

extension CommandRequest {
    /// The member interval of arguments `min` and `max`, or nil after replying Redis's error.
    mutating func lexRange(min: Int, max: Int) -> LexRange? {
        guard let low = LexRange.bound(bytes(at: min)), let high = LexRange.bound(bytes(at: max)) else {
            replyError("ERR min or max not valid string range item")
            return nil
        }
        return LexRange(min: low, max: high)
    }

    /// The score interval of arguments `min` and `max`, or nil after replying Redis's error.
    mutating func scoreRange(min: Int, max: Int) -> ScoreRange? {
        guard let low = ScoreRange.bound(bytes(at: min)), let high = ScoreRange.bound(bytes(at: max)) else {
            replyError("ERR min or max is not a float")
            return nil
        }
        return ScoreRange(min: low.value, minExclusive: low.exclusive, max: high.value, maxExclusive: high.exclusive)
    }

    /// A score: a bulk string in RESP2, a double in RESP3.
    mutating func replyScore(_ score: Double) { reply.writeRESPDouble(score, protocol: protocolVersion) }

    /// Members, with their scores when `withScores`: flat in RESP2; in RESP3 one `[member, score]` pair per
    /// member when `nested` (ZRANGE, ZPOPMIN with a count), flat otherwise (ZPOPMIN without one).
    mutating func replyEntries(_ entries: [StoreSortedSet.Entry], withScores: Bool, nested: Bool = true) {
        let pairs = withScores && nested && protocolVersion == .resp3
        reply.writeRESPArrayHeader(withScores && !pairs ? entries.count * 2 : entries.count)
        for entry in entries {
            if pairs { reply.writeRESPArrayHeader(2) }
            entry.member.withUnsafeBytes { reply.writeRESPBulkString($0) }
            if withScores { replyScore(entry.score) }
        }
    }
}
