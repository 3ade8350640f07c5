import Core
import RESP
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// Runs commands against the keyspace: table lookup, arity and authentication checks, the handler, and
/// the statistics INFO reports. The single owner of the data, as Redis's main thread.
///
/// Confined to one thread (the server's event loop); no locks anywhere on the command path. Time comes
/// from `clock` (Unix milliseconds), read once per batch into `now`, so tests inject it.
public final class CommandExecutor {
    /// Database 0, the only one.
    public var keyspace = Keyspace()
    /// Settings; CONFIG SET changes them.
    public var configuration: StoreConfiguration
    /// Figures shared with the metrics endpoint.
    public let statistics: StoreStatistics
    /// The current time in Unix milliseconds, refreshed from `clock` per batch.
    public var now: Int64
    /// The time source, Unix milliseconds.
    public let clock: () -> Int64
    /// The port clients reach us on (INFO tcp_port), set by the server once bound.
    public var boundPort = 0
    /// Commands executed since start (INFO total_commands_processed).
    public private(set) var commandsProcessed = 0
    /// `commandsProcessed` at the last CONFIG RESETSTAT.
    var commandsProcessedBase = 0
    /// Open client sessions by id.
    public private(set) var clients: [Int: ClientSession] = [:]
    /// When the executor was created, Unix milliseconds (INFO uptime_in_seconds).
    public let startedAt: Int64
    /// Called by SHUTDOWN with what it asked for and the client that sent it; the server sets it to close
    /// everything and end the process. Nil (tests): SHUTDOWN only closes the caller.
    public var shutdownHandler: ((ShutdownSave, ClientSession) -> Void)?
    /// Clients blocked in BLPOP/BRPOP by key, in the order they blocked (Redis's `db->blocking_keys`).
    var blockedQueues: [StoreKey: [ClientSession]] = [:]
    /// Every blocked client by id, for timeouts and INFO's blocked_clients.
    public internal(set) var blockedClients: [Int: ClientSession] = [:]
    /// Set while EXEC runs its queue: blocking commands then do not block, blocked clients are served
    /// once the whole transaction is done, and its writes are propagated inside MULTI ... EXEC.
    var isExecutingTransaction = false
    /// Channel and pattern subscriptions (Pub/Sub).
    public internal(set) var pubSub = PubSubRegistry()
    /// Random numbers for RANDOMKEY and expiry sampling.
    var generator = SystemRandomNumberGenerator()
    /// Where writes are propagated besides the AOF (replicas); nil: nowhere.
    public var propagationSink: (any PropagationSink)? {
        didSet { updatePropagation() }
    }
    /// The append-only file when `appendonly yes`; written before every batch's replies leave.
    public var appendOnlyLog: AppendOnlyLog? {
        didSet {
            // With a loop, `appendfsync always` syncs once per loop turn for every client (group commit).
            appendOnlyLog?.defersSync = loop != nil
            updatePropagation()
        }
    }
    /// Replies held until this loop turn's AOF fsync.
    var repliesAwaitingSync: [() -> Void] = []
    /// Whether this turn's fsync is arranged.
    var isGroupSyncScheduled = false
    /// Whether anything consumes propagated writes: when nothing does, the command path skips all of it.
    public private(set) var isPropagating = false
    /// Called when an AOF write fails under `appendfsync always`; the server ends the process.
    public var appendFailureHandler: ((any Error) -> Void)?
    /// The config file the server started with (CONFIG REWRITE), nil when none.
    public var configurationFilePath: String?
    /// Snapshot and AOF children and outcomes.
    public var persistence = PersistenceState()
    /// The replication stream: ids, backlog, attached replicas.
    public internal(set) var replication: ReplicationFeed
    /// The link to our master when we are a replica; nil on a master.
    public internal(set) var masterLink: MasterLink?
    /// Clients blocked in WAIT, by id.
    var waitingClients: [Int: ClientSession] = [:]
    /// The loop that owns the keyspace (set by the server): replication links run on it. Nil in tests.
    public var loop: EventLoop?
    /// When the master last sent a PING down the stream, Unix milliseconds.
    var lastReplicaPingAt: Int64 = 0
    /// Where persistence and replication events are logged (the server's logger; tests keep the default).
    public var logger = Logger(program: "store", minimumLevel: .warning)
    /// The current batch's propagated commands, handed to `propagationSink` at the end of the batch.
    var propagationBuffer = ByteBuffer()
    /// Whether the running EXEC has propagated its MULTI yet.
    var hasPropagatedMulti = false

    private var table = CommandTable([])
    /// What maxmemory is compared with: the heap's bytes in use (tests inject their own measure).
    public var heapBytesInUse: () -> Int = { HeapUsage.bytesInUse }
    /// This process's run id (INFO run_id): 40 random hex characters, new at every start, as Sentinel
    /// uses it to tell a restarted instance from the same one.
    public let runID = ReplicationID.make()
    /// Set once a shutdown began: writes are refused, so what was saved and replicated is final.
    public internal(set) var isPausingWrites = false
    /// SHUTDOWN NOW: exit without waiting for replicas to catch up.
    public internal(set) var shutdownSkipsReplicaWait = false
    /// Keys removed to stay under maxmemory (INFO evicted_keys).
    public internal(set) var evictedKeys = 0
    /// Calls per command, by `CommandSpec.index` (INFO commandstats, redis_commands_total).
    var commandCalls: [Int] = []
    private var nextClientID = 1

    /// The Redis version we report, so clients enable the features they expect of Redis 7.
    public static let redisVersion = "7.0.15"

    /// An executor with `configuration`, reading time from `clock`.
    public init(
        configuration: StoreConfiguration = StoreConfiguration(), statistics: StoreStatistics = StoreStatistics(),
        clock: @escaping () -> Int64 = CommandExecutor.wallClockMilliseconds
    ) {
        self.configuration = configuration
        self.statistics = statistics
        self.clock = clock
        self.now = clock()
        self.startedAt = now
        self.replication = ReplicationFeed(backlogSize: configuration.replBacklogSize)
        self.table = CommandTable.standard()
        self.commandCalls = Array(repeating: 0, count: table.count)
        applyEvictionPolicy()
    }

    /// The command table.
    public var commands: CommandTable { table }

    private func updatePropagation() {
        isPropagating = propagationSink != nil || appendOnlyLog != nil
        keyspace.recordsExpirations = isPropagating
    }

    /// The real clock: Unix time in milliseconds.
    public static func wallClockMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    // MARK: - Clients

    /// Opens a session for a new connection.
    public func openSession(peer: String = "", localAddress: String = "", fd: Int32 = -1) -> ClientSession {
        let session = ClientSession(
            id: nextClientID, peer: peer, localAddress: localAddress, fd: fd, createdAt: clock(),
            isAuthenticated: configuration.requirePass.isEmpty)
        nextClientID += 1
        clients[session.id] = session
        statistics.connectedClients.store(clients.count, ordering: .relaxed)
        return session
    }

    /// Forgets a closed connection's session.
    public func closeSession(_ session: ClientSession) {
        endTransaction(session)
        if session.isSubscribed { pubSub.unsubscribeAll(session) }
        if session.isBlocked {
            unblock(session)
            waitingClients[session.id] = nil
            session.replicaWait = nil
        }
        if session.isReplica { detachReplica(session) }
        clients.removeValue(forKey: session.id)
        statistics.connectedClients.store(clients.count, ordering: .relaxed)
    }

    // MARK: - Executing

    /// Executes the commands of `batch` from `first` on for `client`, replies appended to `output`.
    /// Stops after a QUIT, and after a command that blocked the client: returns the index of the first
    /// command not executed, where the server resumes once the client is unblocked.
    @discardableResult
    public func execute(
        _ batch: RESPCommandBatch, startingAt first: Int = 0, client: ClientSession, into output: inout ByteBuffer
    ) -> Int {
        guard first < batch.count else { return first }
        advanceClock()
        var request = CommandRequest(command: batch[first], client: client)
        swap(&request.reply, &output)
        var index = first
        while index < batch.count {
            request.command = batch[index]
            index += 1
            execute(&request)
            if client.shouldClose || client.isBlocked { break }
        }
        swap(&request.reply, &output)
        if isPropagating { flushPropagation() }
        publishStatistics()
        return index
    }

    /// Executes one command (tests, and the batch path); the reply goes to `request.reply`.
    public func execute(_ request: inout CommandRequest) {
        let command = request.command
        guard command.count > 0 else { return }
        guard let position = command.withUnsafeBytes(at: 0, { table.position(named: $0) }) else {
            return reject(&request, Self.unknownCommandMessage(command))
        }
        let spec = table[position]
        guard spec.accepts(argumentCount: command.count) else {
            return reject(&request, StoreReplies.wrongArity(spec.name))
        }
        if !request.client.isAuthenticated && !spec.flags.contains(.noAuth) {
            return reject(&request, StoreReplies.noAuth)
        }
        request.client.lastInteraction = now
        request.client.lastCommand =
            spec.hasSubcommands && command.count >= 2
            ? spec.name + "|" + command.string(at: 1).lowercased() : spec.name
        if request.client.isSubscribed && request.client.protocolVersion == .resp2
            && !Self.allowedWhileSubscribed.contains(spec.name)
        {
            return reject(&request, Self.notAllowedWhileSubscribed(request.client.lastCommand))
        }
        if spec.flags.contains(.write) && !request.client.isMaster && !request.client.isReplayingLog {
            if masterLink != nil { return reject(&request, StoreReplies.readOnlyReplica) }
            if isPausingWrites { return reject(&request, "ERR the store is shutting down: writes are paused") }
            if configuration.minReplicasToWrite > 0 && goodReplicaCount < configuration.minReplicasToWrite {
                return reject(&request, "NOREPLICAS Not enough good replicas to write.")
            }
        }
        if configuration.maxMemory > 0 && spec.flags.contains(.denyOOM) && masterLink == nil
            && !request.client.isInTransaction && !request.client.isReplayingLog && !freeMemoryIfNeeded()
        {
            return reject(&request, Self.outOfMemoryMessage)
        }
        if queueIfInTransaction(&request, spec) { return }
        commandsProcessed += 1
        commandCalls[spec.index] &+= 1
        if isPropagating {
            let dirtyBefore = keyspace.dirty
            spec.handler(self, &request)
            propagateAfter(&request, spec, dirtyBefore: dirtyBefore)
        } else {
            spec.handler(self, &request)
        }
        // Nobody blocked (the usual case): one check of an internal property, no keyspace access.
        if !blockedQueues.isEmpty && !keyspace.readyKeys.isEmpty && !isExecutingTransaction { serveBlockedClients() }
    }

    /// Executes `arguments` for `client` at the current `now` and returns the reply bytes (tests).
    public func execute(_ arguments: [String], client: ClientSession) -> ByteBuffer {
        var request = CommandRequest(command: RESPCommand(arguments), client: client)
        execute(&request)
        if isPropagating { flushPropagation() }
        return request.reply
    }

    /// Redis's message for an unknown command: the name, then up to 128 bytes of quoted arguments.
    static func unknownCommandMessage(_ command: RESPCommand) -> String {
        var arguments = ""
        var index = 1
        while index < command.count && arguments.utf8.count < 128 {
            let room = 128 - arguments.utf8.count
            arguments += "'\(String(decoding: command[index].prefix(room), as: UTF8.self))' "
            index += 1
        }
        let name = String(decoding: command[0].prefix(128), as: UTF8.self)
        return "ERR unknown command '\(name)', with args beginning with: \(arguments)"
    }

    /// Copies the keyspace's figures where the metrics thread reads them.
    public func publishStatistics() {
        statistics.commandsProcessed.store(commandsProcessed, ordering: .relaxed)
        statistics.keyspaceHits.store(keyspace.hits, ordering: .relaxed)
        statistics.keyspaceMisses.store(keyspace.misses, ordering: .relaxed)
        statistics.keys.store(keyspace.count, ordering: .relaxed)
        statistics.expires.store(keyspace.expires.count, ordering: .relaxed)
        statistics.expiredKeys.store(keyspace.expiredKeys, ordering: .relaxed)
    }

    /// One active expiry cycle at the current time (the server's timer calls it `hz` times a second).
    public func runActiveExpiry() {
        advanceClock()
        if keyspace.entries.tracksAccess { keyspace.setAccessClock(UInt32(truncatingIfNeeded: now / 1000)) }
        // A replica waits for its master's DELs: its data must stay what the stream makes it.
        guard masterLink == nil else { return }
        keyspace.activeExpireCycle(now: now, using: &generator)
        if isPropagating { flushPropagation() }
        publishStatistics()
    }
}
