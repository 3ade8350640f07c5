// libFuzzer target for the command path: Tests/Fuzz/run Store CommandFuzzer.swift 300
//
// One CommandExecutor lives for the whole run, so state accumulates across inputs as on a long-lived
// server: keys of every type, transactions left open, blocked and subscribed clients, a clock that moves.
// Each input is read one of two ways, chosen by its first byte:
//   - raw: RESP (or inline) bytes, decoded in batches by RESPCommandDecoder as a connection does;
//   - structured: a sequence of commands, each a name from the command table and arguments drawn from
//     small alphabets (a few keys, small and extreme integers, IDs, scores, glob patterns, keywords), so
//     commands hit the same keys with plausible arguments and reach deep into the handlers.
// Either way the commands are filtered (nothing that forks, writes files, shuts down or talks to the
// network), encoded as RESP and fed to `CommandExecutor.execute(_:startingAt:client:into:)` in batches,
// by one of three clients. Crashes and sanitizer reports are the findings: replies are not checked.
// With COMMAND_FUZZER_TRACE set, every batch and its replies go to stderr (run one input to see what
// the fuzzer makes of it: .build-fuzz/CommandFuzzer FILE).
import Core
import RESP
import Store

#if canImport(Glibc)
    import Glibc
#endif

private let isTracing = getenv("COMMAND_FUZZER_TRACE") != nil

/// The fuzzer's clock, Unix milliseconds; inputs move it forward.
nonisolated(unsafe) private var fuzzTime: Int64 = 1_700_000_000_000
nonisolated(unsafe) private var fuzzState: FuzzState?

/// The executor, its clients and the alphabets, made on the first input.
private final class FuzzState {
    let executor: CommandExecutor
    var clients: [ClientSession] = []
    /// Every command the fuzzer may run, with its arity.
    let commands: [(name: [UInt8], arity: Int)]
    var inputs = 0

    init() {
        var configuration = StoreConfiguration()
        configuration.save = ""
        // Keeps SETRANGE and APPEND from building strings of hundreds of megabytes (the fuzzer's memory).
        configuration.protoMaxBulkLength = 1 << 20
        executor = CommandExecutor(configuration: configuration) { fuzzTime }
        commands = executor.commands.all.map { (Array($0.name.utf8), $0.arity) }.filter {
            !forbiddenNames.contains($0.name)
        }
        for _ in 0..<3 { clients.append(openClient()) }
    }

    func openClient() -> ClientSession {
        let session = executor.openSession(peer: "127.0.0.1:1", localAddress: "127.0.0.1:6379")
        session.deliver = { _ in }
        return session
    }

    /// Replaces a client that asked to close, or (every so often) one stuck subscribed.
    func client(_ index: Int) -> ClientSession {
        let session = clients[index]
        if session.shouldClose || (session.isSubscribed && inputs % 64 == 0) {
            executor.closeSession(session)
            clients[index] = openClient()
        }
        return clients[index]
    }
}

/// Commands the fuzzer never runs: they fork, write files, end the process or need a peer.
private let forbiddenNames: Set<[UInt8]> = Set(
    [
        "shutdown", "save", "bgsave", "bgrewriteaof", "debug", "replicaof", "slaveof", "sync", "psync", "failover",
        "monitor",
    ].map { Array($0.utf8) })
/// CONFIG SET parameters that write files, stop every later command, or lift the memory bounds.
private let forbiddenParameters: Set<String> = [
    "appendonly", "dir", "dbfilename", "appendfilename", "save", "requirepass", "proto-max-bulk-len", "maxmemory",
]

private func isAllowed(_ command: RESPCommand) -> Bool {
    guard command.count > 0 else { return false }
    let name = command.string(at: 0).lowercased()
    if forbiddenNames.contains(Array(name.utf8)) { return false }
    // SRANDMEMBER key -N replies N members, as in Redis: a huge N is a huge reply, not a bug.
    if name == "srandmember", command.count == 3, let count = command.integer(at: 2), count < -100_000 {
        return false
    }
    guard name == "config", command.count >= 2 else { return true }
    switch command.string(at: 1).lowercased() {
    case "rewrite": return false
    case "set":
        return !stride(from: 2, to: command.count, by: 2).contains {
            forbiddenParameters.contains(command.string(at: $0).lowercased())
        }
    default: return true
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first else { return 0 }
    let state = fuzzState ?? FuzzState()
    fuzzState = state
    state.inputs += 1
    // Bounded growth: a fresh keyspace now and then, as if an operator ran FLUSHALL.
    if state.inputs % 5000 == 0 { run(state, [RESPCommand(["FLUSHALL"])], client: 0) }
    fuzzTime += Int64(first >> 4) * 250
    if first & 1 == 0 {
        runRaw(state, Array(bytes.dropFirst()), client: Int(first >> 1) % 3)
    } else {
        runStructured(state, Array(bytes.dropFirst()))
    }
    state.executor.runActiveExpiry()
    state.executor.expireBlockedClients()
    return 0
}

/// Decodes `bytes` as a connection's input and runs every allowed command, in batches of up to 16.
private func runRaw(_ state: FuzzState, _ bytes: [UInt8], client: Int) {
    var decoder = RESPCommandDecoder(limits: RESPLimits(maxBulkLength: 1 << 16))
    var buffer = ByteBuffer()
    buffer.writeBytes(bytes)
    var batch = RESPCommandBatch()
    var commands: [RESPCommand] = []
    while commands.count < 256 {
        batch.removeAll()
        guard let count = try? decoder.decode(&buffer, into: &batch, maxCount: 16), count > 0 else { break }
        commands += batch.filter(isAllowed)
    }
    run(state, commands, client: client)
}

/// Encodes `commands` as RESP and runs them through the batch path for one client, as its connection
/// would: nothing runs while the client is blocked.
private func run(_ state: FuzzState, _ commands: [RESPCommand], client index: Int) {
    guard !commands.isEmpty else { return }
    var buffer = ByteBuffer()
    for command in commands {
        buffer.writeRESPArrayHeader(command.count)
        for argument in 0..<command.count { buffer.writeRESPBulkString(command.bytes(at: argument)) }
    }
    var decoder = RESPCommandDecoder()
    var batch = RESPCommandBatch()
    var output = ByteBuffer()
    while true {
        let session = state.client(index)
        if session.isBlocked { return }
        batch.removeAll()
        guard let count = try? decoder.decode(&buffer, into: &batch, maxCount: 16), count > 0 else { return }
        state.executor.execute(batch, client: session, into: &output)
        if isTracing {
            let commands = batch.map { command in (0..<command.count).map { command.string(at: $0) } }
            let reply = String(decoding: output.readableBytesArray, as: UTF8.self)
            fputs("client \(index) \(commands)\n  -> \(reply.debugDescription)\n", stderr)
        }
        output.clear()
    }
}

// MARK: - Structured inputs

/// A cursor over the input that yields 0 once it runs out.
private struct Bytes {
    let bytes: [UInt8]
    var index = 0
    var isAtEnd: Bool { index >= bytes.count }
    mutating func next() -> UInt8 {
        defer { index += 1 }
        return index < bytes.count ? bytes[index] : 0
    }
}

private let keys = ["a", "b", "c", "s", "l", "h", "z", "x"]
private let members = ["f", "g", "m", "1", "2", "-1", "", "member-with-a-longer-name", "3.5"]
private let numbers = [
    "0", "1", "-1", "2", "3", "10", "100", "-100", "1000", "4096", "65536", "9223372036854775807",
    "-9223372036854775808", "9223372036854775808", "18446744073709551615", "4294967296", "1.5", "-0.5", "1e10",
    "inf", "-inf", "+inf", "nan", "(1", "(5", "[a", "(a", "-", "+", "*", "$", ">", "0-0", "0-1", "1-1", "5-*",
    "5-0", "1700000000000-0", "18446744073709551615-18446744073709551615", "18446744073709551615",
    "1700000000", "1700000000000", "", " ", "abc",
]
private let keywords = [
    "NX", "XX", "GT", "LT", "CH", "INCR", "EX", "PX", "EXAT", "PXAT", "KEEPTTL", "GET", "WITHSCORES", "LIMIT",
    "COUNT", "MATCH", "TYPE", "BYSCORE", "BYLEX", "REV", "MAXLEN", "MINID", "~", "=", "NOMKSTREAM",
    "ENTRIESADDED", "MAXDELETEDID", "BEFORE", "AFTER", "LEFT", "RIGHT", "ASYNC", "SYNC", "RESETSTAT", "SET",
    "HELP", "ID", "LIST", "KILL", "SETNAME", "GETNAME", "INFO", "DOCS", "CHANNELS", "NUMSUB", "NUMPAT", "hz",
    "maxclients", "timeout", "appendfsync", "hash-max-listpack-entries", "everysec", "yes", "no", "string", "list",
    "set", "zset", "hash", "stream", "USER", "SKIPME", "ADDR", "LADDR", "NOEVICT", "REPLY", "ON", "OFF",
    "TRACKING", "NO-EVICT", "PAUSE", "UNPAUSE", "WRITE", "ALL", "3", "2", "AUTH", "default", "MULTI", "EXEC",
]
private let patterns = ["*", "a*", "?", "[a-c]", "\\*", "[^a]", "*[", "[", "**", "h*", "[a-", "?*?"]

/// Reads commands: a selector byte (client in the low 2 bits, clock advance in the rest), a name byte,
/// an argument-count byte (high bit clear: what the arity asks, plus up to 5 for variadic commands),
/// then each argument as a kind byte and its payload.
private func runStructured(_ state: FuzzState, _ bytes: [UInt8]) {
    var input = Bytes(bytes: bytes)
    var pending: [RESPCommand] = []
    var pendingClient = 0
    while !input.isAtEnd && pending.count < 64 {
        let selector = input.next()
        let client = Int(selector & 3) % 3
        let (name, arity) = state.commands[Int(input.next()) % state.commands.count]
        // Mostly as many arguments as the arity asks (so the handler runs), sometimes any number.
        let countByte = input.next()
        let count =
            countByte & 0x80 != 0
            ? Int(countByte % 9) : arity > 0 ? arity - 1 : -arity - 1 + Int(countByte % 6)
        var arguments = [name]
        for _ in 0..<count { arguments.append(argument(&input)) }
        let command = RESPCommand(arguments)
        guard isAllowed(command) else { continue }
        if client != pendingClient || selector >= 0xF0 {
            run(state, pending, client: pendingClient)
            pending.removeAll()
            pendingClient = client
            fuzzTime += Int64(selector >> 2) * 10
        }
        pending.append(command)
    }
    run(state, pending, client: pendingClient)
}

private func argument(_ input: inout Bytes) -> [UInt8] {
    let kind = input.next()
    let pick = Int(input.next())
    switch kind % 8 {
    case 0, 1: return Array(keys[pick % keys.count].utf8)
    case 2: return Array(String(Int(pick) - 64).utf8)
    case 3: return Array(numbers[pick % numbers.count].utf8)
    case 4: return Array(keywords[pick % keywords.count].utf8)
    case 5: return Array(patterns[pick % patterns.count].utf8)
    case 6: return Array(members[pick % members.count].utf8)
    default: return (0..<pick % 24).map { _ in input.next() }
    }
}
