/// One row of the command table, as Redis's `redisCommand`: name, arity, flags and the handler.
///
/// Arity follows Redis: a positive number is the exact argument count (the name included), a negative
/// one the minimum. Key positions are what COMMAND INFO reports, so cluster-aware clients find keys.
public struct CommandSpec {
    /// The lower-case name (`get`).
    public var name: String
    /// Exact argument count when positive, minimum when negative, the command name included.
    public var arity: Int
    /// What the command does, for COMMAND INFO and the executor's checks.
    public var flags: CommandFlags
    /// Position of the first key argument (0: none).
    public var firstKey: Int
    /// Position of the last key argument (-1: the last argument).
    public var lastKey: Int
    /// Step between key arguments.
    public var keyStep: Int
    /// Runs the command on the keyspace's thread and writes its reply.
    public var handler: CommandHandler
    /// The row's position in the table, set when the table is built: the index of its call counter.
    public internal(set) var index = 0
    /// Whether the first argument names a subcommand (CLIENT LIST), so CLIENT LIST's `cmd=` shows
    /// `client|list` as Redis does.
    public var hasSubcommands: Bool

    /// A table row.
    public init(
        _ name: String, arity: Int, flags: CommandFlags, keys: (first: Int, last: Int, step: Int) = (0, 0, 0),
        handler: @escaping CommandHandler
    ) {
        self.name = name
        self.arity = arity
        self.flags = flags
        self.firstKey = keys.first
        self.lastKey = keys.last
        self.keyStep = keys.step
        self.handler = handler
        self.hasSubcommands = Self.containers.contains(name)
    }

    /// The commands whose first argument is a subcommand, as Redis's container commands.
    static let containers: Set<String> = [
        "client", "command", "config", "object", "memory", "pubsub", "script", "acl", "cluster", "function",
        "xinfo", "latency", "slowlog", "module",
    ]

    /// Whether `count` arguments (the name included) satisfy the arity.
    @inlinable
    public func accepts(argumentCount count: Int) -> Bool {
        arity > 0 ? count == arity : count >= -arity
    }
}

/// A command's implementation: reads `request.command`, writes the reply into `request.reply`.
public typealias CommandHandler = (CommandExecutor, inout CommandRequest) -> Void

/// Command flags, with the names COMMAND INFO reports.
public struct CommandFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// May modify the keyspace.
    public static let write = CommandFlags(rawValue: 1 << 0)
    /// Only reads the keyspace.
    public static let readonly = CommandFlags(rawValue: 1 << 1)
    /// Administrative (CONFIG, FLUSHALL...).
    public static let admin = CommandFlags(rawValue: 1 << 2)
    /// O(1) or O(log N).
    public static let fast = CommandFlags(rawValue: 1 << 3)
    /// Allowed before AUTH (AUTH, HELLO, QUIT).
    public static let noAuth = CommandFlags(rawValue: 1 << 4)
    /// May grow memory (refused under maxmemory, later).
    public static let denyOOM = CommandFlags(rawValue: 1 << 5)
    /// Allowed while loading (later).
    public static let loading = CommandFlags(rawValue: 1 << 6)
    /// Allowed on a stale replica (later).
    public static let stale = CommandFlags(rawValue: 1 << 7)
    /// A Pub/Sub command.
    public static let pubsub = CommandFlags(rawValue: 1 << 8)
    /// Not allowed in scripts.
    public static let noscript = CommandFlags(rawValue: 1 << 9)
    /// May block the client (BLPOP).
    public static let blocking = CommandFlags(rawValue: 1 << 10)

    /// The flag names, as COMMAND INFO lists them.
    public var names: [String] {
        let all: [(CommandFlags, String)] = [
            (.write, "write"), (.readonly, "readonly"), (.denyOOM, "denyoom"), (.admin, "admin"),
            (.pubsub, "pubsub"), (.noscript, "noscript"), (.blocking, "blocking"),
            (.noAuth, "no_auth"), (.loading, "loading"), (.stale, "stale"), (.fast, "fast"),
        ]
        return all.filter { contains($0.0) }.map(\.1)
    }
}
