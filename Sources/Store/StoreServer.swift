import Core
import RESP
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// The store's RESP server: one event loop thread that accepts every connection and owns the keyspace,
/// Redis's model, so commands need no locks and run in arrival order.
///
/// Everything but `start()` and `statistics` is confined to the loop thread.
public final class StoreServer: @unchecked Sendable {
    // @unchecked Sendable: `executor`, `listener`, `expiryTimer` and `signalWatcher` are touched only on
    // `loop`'s thread (created inside `loop.submit`); `loop`, `statistics` and `exit` are Sendable.

    /// The signals that shut the server down gracefully. `main` blocks them before any thread starts
    /// (`SignalWatcher.block`), so they arrive only through the loop's signalfd.
    public static let shutdownSignals: [Int32] = [SIGTERM, SIGINT]

    /// The thread that owns the keyspace.
    public let loop: EventLoop
    /// Figures for INFO and /metrics, readable from any thread.
    public let statistics: StoreStatistics
    private let configuration: StoreConfiguration
    private let logger: Logger
    private var executor: CommandExecutor?
    private var listener: Listener?
    private var expiryTimer: RepeatingTimer?
    private var signalWatcher: SignalWatcher?
    private var shutdownTimer: LoopTimer?
    private let exit: @Sendable (Int32) -> Void
    /// The config file the server was started with, for CONFIG REWRITE.
    private let configurationFilePath: String?

    /// A server for `configuration`; nothing listens until `start()`. `exit` ends the process after a
    /// SHUTDOWN or a shutdown signal (tests pass their own).
    public init(
        configuration: StoreConfiguration, logger: Logger, configurationFilePath: String? = nil,
        exit: @escaping @Sendable (Int32) -> Void = { Glibc.exit($0) }
    ) throws(IOError) {
        self.configuration = configuration
        self.configurationFilePath = configurationFilePath
        self.logger = logger
        self.exit = exit
        self.statistics = StoreStatistics()
        self.loop = try EventLoop.start(name: "store")
    }

    /// Loads the data (AOF or snapshot), binds and starts accepting; returns the bound address (the real
    /// port when 0 was configured). Throws when the data cannot be loaded: nothing is overwritten then.
    public func start() async throws -> SocketAddress {
        guard let address = SocketAddress(host: configuration.bind, port: configuration.port) else {
            throw IOError("bind \(configuration.bind):\(configuration.port)", reason: "not an IPv4 address")
        }
        return try await loop.submit { () throws -> SocketAddress in
            let executor = CommandExecutor(configuration: self.configuration, statistics: self.statistics)
            executor.logger = self.logger
            executor.configurationFilePath = self.configurationFilePath
            executor.loop = self.loop
            try executor.loadDataAndOpenLog()
            executor.appendFailureHandler = { [unowned self] error in
                self.logger.error("can't recover from an AOF write error when appendfsync is always: exiting")
                self.exit(1)
            }
            self.executor = executor
            let listener = try Listener(address: address, on: self.loop, backlog: 511) { [unowned self] connection in
                self.accept(connection)
            }
            self.listener = listener
            executor.boundPort = listener.address.port ?? 0
            executor.startConfiguredReplication()
            let interval = TimeAmount.nanoseconds(1_000_000_000 / Int64(max(1, self.configuration.hz)))
            self.expiryTimer = self.loop.scheduleRepeating(every: interval) {
                executor.runActiveExpiry()
                executor.expireBlockedClients()
                executor.persistenceCron()
                executor.replicationCron()
            }
            executor.shutdownHandler = { [unowned self] save, client in
                self.logger.info("shutdown requested by a client", ["id": client.id, "addr": client.peer])
                // Next turn of the loop: the caller's connection is mid-read here, its output borrowed.
                self.loop.executeOnLoop { self.shutdown() }
            }
            self.signalWatcher = try SignalWatcher(loop: self.loop, signals: Self.shutdownSignals) {
                [unowned self] signal in
                self.logger.info("received \(signal == SIGINT ? "SIGINT" : "SIGTERM"), shutting down")
                guard executor.prepareForShutdown(.configured) else {
                    self.logger.warning("errors trying to shut down the server: still running, check the log")
                    return
                }
                self.shutdown()
            }
            return listener.address
        }
    }

    private func accept(_ connection: Connection) {
        guard let executor else { return connection.close() }
        statistics.connectionsReceived.add(1, ordering: .relaxed)
        // Replies can grow past the reactor's default watermark for big MGET/KEYS replies; the output
        // buffer limits (client-output-buffer-limit) bound what a client may leave unread.
        if executor.clients.count >= executor.configuration.maxClients {
            statistics.rejectedConnections.add(1, ordering: .relaxed)
            connection.withOutbound { $0.writeRESPError("ERR max number of clients reached") }
            connection.closeGracefully()
            return
        }
        connection.maxInbound = executor.configuration.queryBufferLimit
        let session = executor.openSession(
            peer: connection.remoteAddress?.description ?? "", localAddress: listener?.address.description ?? "",
            fd: connection.fd)
        session.closeConnection = { [weak connection] in connection?.close() }
        session.deliver = { [weak connection, weak session, weak executor] bytes in
            guard let connection else { return }
            connection.write(bytes)
            guard let session, let executor else { return }
            executor.enforceOutputLimit(session, pendingBytes: connection.outbound.readableBytes)
        }
        let handler = StoreConnection(executor: executor, session: session) { [weak executor] session in
            executor?.closeSession(session)
        }
        connection.handler = handler
        // Next turn of the loop: unblocking happens inside another client's command.
        session.didUnblock = { [weak connection, weak handler] in
            connection?.loop.executeOnLoop { [weak connection, weak handler] in
                guard let connection, let handler else { return }
                handler.resume(connection)
            }
        }
    }

    /// Stops accepting, closes every client and ends the process with status 0 (Redis's
    /// `prepareForShutdown` then `exit(0)`). Runs on the loop thread, from a command or a signal.
    private func shutdown() {
        // Redis 7's graceful shutdown: writes are paused (prepareForShutdown), and the replicas get up to
        // shutdown-timeout to acknowledge everything, so a planned stop of the master loses no write.
        if let executor, !executor.shutdownSkipsReplicaWait, !executor.replicasCaughtUp {
            let deadline = loop.now + .seconds(Int64(max(0, executor.configuration.shutdownTimeout)))
            logger.info("waiting for replicas before shutting down", ["replicas": executor.replication.replicas.count])
            executor.requestAcknowledgements()
            waitForReplicas(until: deadline)
            return
        }
        finishShutdown()
    }

    private func waitForReplicas(until deadline: Instant) {
        shutdownTimer = loop.schedule(after: .milliseconds(10)) { [unowned self] in
            guard let executor, !executor.replicasCaughtUp, self.loop.now < deadline else {
                if let executor, !executor.replicasCaughtUp {
                    self.logger.warning("replicas did not catch up before shutdown-timeout: exiting anyway")
                }
                return self.finishShutdown()
            }
            self.waitForReplicas(until: deadline)
        }
    }

    private func finishShutdown() {
        listener?.close()
        expiryTimer?.cancel()
        if let executor {
            for client in executor.clients.values.sorted(by: { $0.id < $1.id }) {
                client.shouldClose = true
                client.closeConnection?()
            }
        }
        logger.info("store is now ready to exit, bye bye")
        exit(0)
    }
}
