import Core
import RESP

/// Stream commands (Redis's t_stream.c): XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID. Consumer groups
/// and XREAD are not here yet.
extension CommandExecutor {
    static var streamCommands: [CommandSpec] {
        [
            CommandSpec("xadd", arity: -5, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) { $0.xadd(&$1) },
            CommandSpec("xlen", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1)) { executor, request in
                guard let stream = executor.readStream(&request) else { return }
                request.replyInteger(stream.count)
            },
            CommandSpec("xrange", arity: -4, flags: [.readonly], keys: (1, 1, 1)) { $0.xrange(&$1, reverse: false) },
            CommandSpec("xrevrange", arity: -4, flags: [.readonly], keys: (1, 1, 1)) {
                $0.xrange(&$1, reverse: true)
            },
            CommandSpec("xdel", arity: -3, flags: [.write, .fast], keys: (1, 1, 1)) { $0.xdel(&$1) },
            CommandSpec("xtrim", arity: -4, flags: [.write], keys: (1, 1, 1)) { $0.xtrim(&$1) },
            CommandSpec("xsetid", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1)) { $0.xsetid(&$1) },
        ]
    }

    static let invalidStreamID = "ERR Invalid stream ID specified as stream command argument"

    /// The stream at argument 1: empty when the key is missing, nil after a WRONGTYPE reply.
    func readStream(_ request: inout CommandRequest) -> StoreStream? {
        switch keyspace.lookupForRead(request.key(at: 1), now: now) {
        case .none: return StoreStream()
        case .some(.stream(let stream)): return stream
        case .some: request.replyWrongType(); return nil
        }
    }

    /// Runs `body` on the stream at `key` in place, creating it when missing and `create`. An emptied
    /// stream stays: streams, unlike lists, exist with no entries.
    func modifyStream<R>(_ key: StoreKey, create: Bool, _ body: (inout StoreStream) -> R) -> CollectionAccess<R> {
        switch keyspace.lookupForWrite(key, now: now) {
        case .none:
            guard create else { return .missing }
            keyspace.set(key, .stream(StoreStream()))
        case .some(.stream):
            break
        case .some:
            return .wrongType
        }
        let result = keyspace.update(key) { value -> R? in
            guard case .stream(var stream) = value else { return nil }
            value = .integer(0)  // release the stored reference so `stream` is mutated without a copy
            let result = body(&stream)
            value = .stream(stream)
            return result
        }
        guard let result, let result else { return .wrongType }
        return .done(result)
    }

    // MARK: - XADD

    /// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [...].
    func xadd(_ request: inout CommandRequest) {
        guard let options = StreamTrimOptions.parse(&request, isXADD: true) else { return }
        let fieldsStart = options.nextIndex
        let pairs = request.count - fieldsStart
        guard pairs >= 2, pairs % 2 == 0 else { return request.replyError(StoreReplies.wrongArity("xadd")) }
        if let id = options.id, id.sequence == 0, id.milliseconds == 0 {
            return request.replyError("ERR The ID specified in XADD must be greater than 0-0")
        }
        let key = request.key(at: 1)
        switch keyspace.lookupForWrite(key, now: now) {
        case .none where options.noMakeStream: return request.replyNull()
        case .none, .some(.stream): break
        case .some: return request.replyWrongType()
        }
        let fields = (fieldsStart..<request.count).map { request.bytes(at: $0) }
        let time = UInt64(max(now, 0))
        let outcome = modifyStream(key, create: true) { stream -> Result<StreamID, StreamAddError> in
            let last = stream.lastID
            if last == .max { return .failure(.exhausted) }
            let id: StreamID
            switch options.id {
            case .none:
                id = time > last.milliseconds ? StreamID(time, 0) : last.successor!
            case .some((let milliseconds, .none)):
                if milliseconds == last.milliseconds {
                    guard last.sequence < .max else { return .failure(.tooLarge) }
                    id = StreamID(milliseconds, last.sequence + 1)
                } else {
                    id = StreamID(milliseconds, 0)
                }
            case .some((let milliseconds, .some(let sequence))):
                id = StreamID(milliseconds, sequence)
            }
            guard id > last else { return .failure(.notAboveTop) }
            stream.append(id, fields)
            _ = options.trim(&stream)
            return .success(id)
        }
        switch outcome {
        case .missing, .wrongType: request.replyWrongType()
        case .done(.failure(let error)): request.replyError(error.message)
        case .done(.success(let id)): request.replyBulk(id.description)
        }
    }

    // MARK: - XRANGE, XREVRANGE

    /// XRANGE key start end [COUNT n] and XREVRANGE key end start [COUNT n]; `(` makes a bound exclusive.
    func xrange(_ request: inout CommandRequest, reverse: Bool) {
        let (startIndex, endIndex) = reverse ? (3, 2) : (2, 3)
        guard let start = streamBound(&request, at: startIndex, missingSequence: 0, isStart: true),
            let end = streamBound(&request, at: endIndex, missingSequence: .max, isStart: false)
        else { return }
        var count = -1
        var index = 4
        while index < request.count {
            guard request.argument(index, is: "COUNT"), index + 1 < request.count else {
                return request.replySyntaxError()
            }
            guard let value = request.integer(at: index + 1) else { return }
            count = max(value, 0)
            index += 2
        }
        let stream: StoreStream
        switch keyspace.lookupForRead(request.key(at: 1), now: now) {
        case .none: return request.reply.writeRESP(.emptyArray)
        case .some(.stream(let found)): stream = found
        case .some: return request.replyWrongType()
        }
        if count == 0 { return request.reply.writeRESPNullArray(protocol: request.protocolVersion) }
        let range = stream.indices(from: start, through: end)
        let taken = count < 0 ? range.count : min(count, range.count)
        request.reply.writeRESPArrayHeader(taken)
        let positions = reverse ? Array(range.suffix(taken).reversed()) : Array(range.prefix(taken))
        for position in positions { request.replyStreamEntry(stream.entries[position]) }
    }

    /// A range bound of XRANGE: an ID, `-`, `+`, or `(id` for an exclusive one; nil after replying the error.
    private func streamBound(
        _ request: inout CommandRequest, at index: Int, missingSequence: UInt64, isStart: Bool
    ) -> StreamID? {
        var bytes = request.bytes(at: index)
        let isExclusive = bytes.count >= 2 && bytes[0] == UInt8(ascii: "(")
        if isExclusive { bytes.removeFirst() }
        guard let parsed = StreamID.parse(bytes, missingSequence: missingSequence, strict: isExclusive),
            let sequence = parsed.sequence
        else {
            request.replyError(Self.invalidStreamID)
            return nil
        }
        let id = StreamID(parsed.milliseconds, sequence)
        guard isExclusive else { return id }
        guard let moved = isStart ? id.successor : id.predecessor else {
            request.replyError("ERR invalid \(isStart ? "start" : "end") ID for the interval")
            return nil
        }
        return moved
    }

    // MARK: - XDEL, XTRIM

    /// XDEL key id [id ...]: how many of the entries existed.
    func xdel(_ request: inout CommandRequest) {
        switch keyspace.lookupForWrite(request.key(at: 1), now: now) {
        case .none: return request.reply.writeRESP(.zero)
        case .some(.stream): break
        case .some: return request.replyWrongType()
        }
        var ids: [StreamID] = []
        for index in 2..<request.count {
            guard let parsed = StreamID.parse(request.bytes(at: index), missingSequence: 0, strict: true),
                let sequence = parsed.sequence
            else { return request.replyError(Self.invalidStreamID) }
            ids.append(StreamID(parsed.milliseconds, sequence))
        }
        let outcome = modifyStream(request.key(at: 1), create: false) { stream in
            ids.reduce(0) { deleted, id in stream.remove(id) ? deleted + 1 : deleted }
        }
        if case .done(let deleted) = outcome { request.replyInteger(deleted) } else { request.reply.writeRESP(.zero) }
    }

    /// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]: how many entries it removed.
    func xtrim(_ request: inout CommandRequest) {
        guard let options = StreamTrimOptions.parse(&request, isXADD: false) else { return }
        guard options.nextIndex == request.count else { return request.replySyntaxError() }
        switch modifyStream(request.key(at: 1), create: false, { options.trim(&$0) }) {
        case .missing: request.reply.writeRESP(.zero)
        case .wrongType: request.replyWrongType()
        case .done(let removed): request.replyInteger(removed)
        }
    }

    // MARK: - XSETID

    /// XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]: sets the stream's last ID, and with the
    /// options its count of entries ever added and largest deleted ID, with Redis 7.0's checks and errors.
    func xsetid(_ request: inout CommandRequest) {
        guard let id = strictStreamID(&request, at: 2) else { return }
        var entriesAdded: Int?
        var maxDeletedID = StreamID.zero
        var index = 3
        while index < request.count {
            let hasMore = index + 1 < request.count
            if request.argument(index, is: "ENTRIESADDED") && hasMore {
                guard let value = request.integer(at: index + 1) else { return }
                guard value >= 0 else { return request.replyError("ERR entries_added must be positive") }
                entriesAdded = value
            } else if request.argument(index, is: "MAXDELETEDID") && hasMore {
                guard let value = strictStreamID(&request, at: index + 1) else { return }
                guard id >= value else {
                    return request.replyError(
                        "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
                }
                maxDeletedID = value
            } else {
                return request.replySyntaxError()
            }
            index += 2
        }
        let key = request.key(at: 1)
        switch keyspace.lookupForWrite(key, now: now) {
        case .none: return request.replyError("ERR no such key")
        case .some(.stream(let stream)):
            if let top = stream.entries.last?.id, id < top {
                return request.replyError("ERR The ID specified in XSETID is smaller than the target stream top item")
            }
            if let entriesAdded, stream.count > 0, stream.count > entriesAdded {
                return request.replyError(
                    "ERR The entries_added specified in XSETID is smaller than the target stream length")
            }
        case .some: return request.replyWrongType()
        }
        _ = modifyStream(key, create: false) { stream in
            stream.lastID = id
            if let entriesAdded { stream.entriesAdded = UInt64(entriesAdded) }
            if maxDeletedID != .zero { stream.maxDeletedID = maxDeletedID }
        }
        request.replyOK()
    }

    /// A strict ID argument (`ms` or `ms-seq`, not `-` or `+`); nil after replying Redis's error.
    private func strictStreamID(_ request: inout CommandRequest, at index: Int) -> StreamID? {
        guard let parsed = StreamID.parse(request.bytes(at: index), missingSequence: 0, strict: true),
            let sequence = parsed.sequence
        else {
            request.replyError(Self.invalidStreamID)
            return nil
        }
        return StreamID(parsed.milliseconds, sequence)
    }
}

/// Why XADD refused an ID, with Redis's messages.
enum StreamAddError: Error {
    case notAboveTop, tooLarge, exhausted

    var message: String {
        switch self {
        case .notAboveTop: "ERR The ID specified in XADD is equal or smaller than the target stream top item"
        case .tooLarge: "ERR Elements are too large to be stored"
        case .exhausted: "ERR The stream has exhausted the last possible ID, unable to add more items"
        }
    }
}

/// XADD's and XTRIM's options, parsed as Redis's `streamParseAddOrTrimArgsOrReply`.
struct StreamTrimOptions {
    var maxLength: Int?
    var minID: StreamID?
    var isApproximate = false
    /// LIMIT's count; 0 is no limit.
    var limit = 0
    /// NOMKSTREAM (XADD).
    var noMakeStream = false
    /// XADD's explicit ID (a nil sequence for `ms-*`); nil for `*`.
    var id: (milliseconds: UInt64, sequence: UInt64?)?
    /// The argument after the options: XADD's first field.
    var nextIndex = 2

    /// The options from argument 2 on, or nil after replying Redis's error.
    static func parse(_ request: inout CommandRequest, isXADD: Bool) -> StreamTrimOptions? {
        var options = StreamTrimOptions()
        var hasStrategy = false
        var hasLimit = false
        var index = 2
        func fail(_ message: String) -> StreamTrimOptions? {
            request.replyError(message)
            return nil
        }
        while index < request.count {
            let more = request.count - 1 - index
            if isXADD && request.argument(index, is: "*") {
                index += 1
                break
            } else if (request.argument(index, is: "MAXLEN") || request.argument(index, is: "MINID")) && more > 0 {
                let isMaxLength = request.argument(index, is: "MAXLEN")
                if hasStrategy {
                    return fail("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
                }
                if more >= 2 && request.argument(index + 1, is: "~") {
                    options.isApproximate = true
                    index += 1
                } else if more >= 2 && request.argument(index + 1, is: "=") {
                    index += 1
                }
                if isMaxLength {
                    guard let value = request.integer(at: index + 1) else { return nil }
                    guard value >= 0 else { return fail("ERR The MAXLEN argument must be >= 0.") }
                    options.maxLength = value
                } else {
                    guard let parsed = StreamID.parse(request.bytes(at: index + 1), missingSequence: 0, strict: true),
                        let sequence = parsed.sequence
                    else { return fail(CommandExecutor.invalidStreamID) }
                    options.minID = StreamID(parsed.milliseconds, sequence)
                }
                hasStrategy = true
                index += 2
            } else if request.argument(index, is: "LIMIT") && more > 0 {
                guard let value = request.integer(at: index + 1) else { return nil }
                guard value >= 0 else { return fail("ERR The LIMIT argument must be >= 0.") }
                options.limit = value
                hasLimit = true
                index += 2
            } else if isXADD && request.argument(index, is: "NOMKSTREAM") {
                options.noMakeStream = true
                index += 1
            } else if isXADD {
                guard
                    let parsed = StreamID.parse(
                        request.bytes(at: index), missingSequence: 0, strict: true, allowsAutoSequence: true)
                else { return fail(CommandExecutor.invalidStreamID) }
                options.id = parsed
                index += 1
                break
            } else {
                return fail(StoreReplies.syntaxError)
            }
        }
        options.nextIndex = index
        if hasLimit && !hasStrategy {
            return fail("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
        }
        if !isXADD && !hasStrategy { return fail("ERR syntax error, XTRIM must be called with a trimming strategy") }
        if hasLimit && !options.isApproximate {
            return fail("ERR syntax error, LIMIT cannot be used without the special ~ option")
        }
        // Redis's default bound on approximate trimming: 100 nodes' worth of entries.
        if options.isApproximate && !hasLimit { options.limit = 100 * StoreStream.nodeSize }
        return options
    }

    /// Trims `stream` as the options say (nothing without MAXLEN or MINID); returns how many it removed.
    func trim(_ stream: inout StoreStream) -> Int {
        guard maxLength != nil || minID != nil else { return 0 }
        return stream.trim(maxLength: maxLength, minID: minID, approximate: isApproximate, limit: limit)
    }
}

extension CommandRequest {
    /// One stream entry: `[id, [field, value, ...]]`.
    mutating func replyStreamEntry(_ entry: StoreStream.Entry) {
        reply.writeRESPArrayHeader(2)
        replyBulk(entry.id.description)
        reply.writeRESPArrayHeader(entry.fieldsAndValues.count)
        for item in entry.fieldsAndValues { replyBulk(item) }
    }
}
