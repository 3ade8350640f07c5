import Core
import RESP
import Reactor

/// A replica's link to its master (the replica half of Redis's replication.c): connects, performs the
/// handshake (PING, AUTH, REPLCONF listening-port and capa, PSYNC), loads the snapshot of a full sync or
/// continues from the backlog, then applies the master's stream and acknowledges it every second.
///
/// A lost link is retried every second while the replica keeps serving reads from its data, and it
/// resynchronises partially when the master still holds what it missed. Confined to the keyspace's loop.
public final class MasterLink: ConnectionHandler {
    /// Where the link is: Redis's `repl_state`, with the handshake steps as one state each.
    public enum State: Equatable {
        /// Waiting to (re)connect.
        case idle
        /// The TCP connect is in flight.
        case connecting
        /// A handshake step's reply is awaited.
        case handshake(HandshakeStep)
        /// +FULLRESYNC received: waiting for the `$<length>` line of the snapshot.
        case awaitingSnapshot(id: String, offset: Int)
        /// Receiving the snapshot's bytes.
        case receivingSnapshot(id: String, offset: Int, remaining: Int)
        /// Applying the master's stream.
        case connected
    }

    /// The handshake's requests, in order.
    public enum HandshakeStep: Equatable {
        case ping, auth, listeningPort, capabilities, psync
    }

    /// The master.
    public let master: MasterAddress
    /// Where the link is.
    public private(set) var state = State.idle
    /// The history the data follows (the master's replid), ReplicationID.none before any sync.
    public private(set) var masterReplicationID: String
    /// The offset of the last stream byte applied (slave_repl_offset).
    public private(set) var processedOffset: Int
    /// When the link last went down, Unix milliseconds (nil while up).
    public private(set) var downSince: Int64?
    /// When the master last sent something, Unix milliseconds.
    public private(set) var lastReceivedAt: Int64 = 0
    /// Bytes of the snapshot received so far in a full sync.
    public private(set) var snapshotBytesReceived = 0

    /// The executor the link feeds. Weak: the connection and the timer keep the link alive, and must not
    /// keep (or outlive into a dangling reference) an executor that is gone; every entry point checks it.
    private weak var owner: CommandExecutor?
    /// The executor, once an entry point checked `owner` (`isOrphaned`).
    private var executor: CommandExecutor { owner! }
    private let loop: EventLoop
    private var connection: Connection?
    private var timer: RepeatingTimer?
    private var snapshot: [UInt8] = []
    private var decoder = RESPCommandDecoder(limits: RESPLimits(maxBulkLength: Int(Int32.max)))
    private let session: ClientSession
    private var isStopped = false

    /// A link to `master` for `executor`, resuming history `id` at `offset` when known (a replica that
    /// restarted from its own snapshot). Call `start()`.
    init(master: MasterAddress, executor: CommandExecutor, loop: EventLoop, id: String, offset: Int) {
        self.master = master
        self.owner = executor
        self.loop = loop
        masterReplicationID = id
        processedOffset = offset
        session = ClientSession(id: 0, peer: master.description, isAuthenticated: true)
        session.isMaster = true
        downSince = executor.clock()
    }

    /// Connects now, and keeps the link alive: reconnects a second after a loss, acknowledges every second,
    /// drops a link the master left silent for `repl-timeout`.
    func start() {
        timer = loop.scheduleRepeating(every: .milliseconds(1000)) { [weak self] in self?.tick() }
        connect()
    }

    /// Closes the link for good (REPLICAOF NO ONE or another master).
    func stop() {
        isStopped = true
        timer?.cancel()
        timer = nil
        connection?.close()
        connection = nil
        state = .idle
    }

    /// Whether the stream is flowing (master_link_status:up).
    public var isUp: Bool { state == .connected }

    /// Whether a full sync is in progress (master_sync_in_progress).
    public var isSyncing: Bool {
        switch state {
        case .awaitingSnapshot, .receivingSnapshot: true
        case .idle, .connecting, .handshake, .connected: false
        }
    }

    /// ROLE's state name for the link.
    public var roleStateName: String {
        switch state {
        case .idle: "connect"
        case .connecting, .handshake: "connecting"
        case .awaitingSnapshot, .receivingSnapshot: "sync"
        case .connected: "connected"
        }
    }

    // MARK: - Connecting

    private func connect() {
        guard !isStopped, !isOrphaned, state == .idle else { return }
        guard let address = SocketAddress(host: master.host, port: master.port) else {
            executor.logger.warning("the master's address is not an IPv4 address", ["master": master.description])
            return
        }
        state = .connecting
        executor.logger.info("connecting to master", ["master": master.description])
        Connection.connect(to: address, on: loop, timeout: .seconds(Int64(max(1, executor.configuration.replTimeout))))
        {
            [weak self] result in
            guard let self, !self.isStopped, !self.isOrphaned else {
                if case .success(let connection) = result { connection.close() }
                return
            }
            switch result {
            case .success(let connection):
                self.connection = connection
                connection.handler = self
                self.lastReceivedAt = self.executor.clock()
                self.send(["PING"])
                self.state = .handshake(.ping)
            case .failure(let error):
                self.executor.logger.warning(
                    "error condition on socket for SYNC", ["master": self.master.description, "error": "\(error)"])
                self.state = .idle
            }
        }
    }

    /// True (and the link stopped) when the executor is gone.
    private var isOrphaned: Bool {
        guard owner == nil else { return false }
        if !isStopped { stop() }
        return true
    }

    private func tick() {
        guard !isOrphaned else { return }
        let now = executor.clock()
        switch state {
        case .idle:
            connect()
        case .connected:
            send(["REPLCONF", "ACK", String(processedOffset)])
            fallthrough
        case .connecting, .handshake, .awaitingSnapshot, .receivingSnapshot:
            if now - lastReceivedAt > Int64(executor.configuration.replTimeout) * 1000 {
                executor.logger.warning("MASTER timeout: no data nor PING received", ["master": master.description])
                connection?.close()
            }
        }
    }

    private func send(_ arguments: [String]) {
        var buffer = ByteBuffer()
        buffer.writeRESPArrayHeader(arguments.count)
        for argument in arguments { buffer.writeRESPBulkString(argument) }
        connection?.write(buffer)
    }

    // MARK: - ConnectionHandler

    public func connectionDidRead(_ connection: Connection) {
        guard !isOrphaned else { return }
        lastReceivedAt = executor.clock()
        while connection.isOpen && !connection.inbound.isEmpty {
            switch state {
            case .idle, .connecting:
                return
            case .handshake(let step):
                guard let line = readLine(&connection.inbound) else { return }
                handshakeReply(line, step: step)
            case .awaitingSnapshot(let id, let offset):
                // A master preparing the snapshot sends bare newlines to keep the link alive.
                if connection.inbound.withUnsafeReadableBytes({ $0.first }) == UInt8(ascii: "\n") {
                    connection.inbound.moveReaderIndex(forwardBy: 1)
                    continue
                }
                guard let line = readLine(&connection.inbound) else { return }
                guard line.first == UInt8(ascii: "$"),
                    let length = Int(String(decoding: line.dropFirst(), as: UTF8.self)),
                    length >= 0
                else {
                    return fail("unexpected reply instead of the snapshot: \(String(decoding: line, as: UTF8.self))")
                }
                snapshot = []
                snapshot.reserveCapacity(length)
                snapshotBytesReceived = 0
                state = .receivingSnapshot(id: id, offset: offset, remaining: length)
            case .receivingSnapshot(let id, let offset, let remaining):
                let count = min(remaining, connection.inbound.readableBytes)
                connection.inbound.withUnsafeReadableBytes { snapshot.append(contentsOf: $0.prefix(count)) }
                connection.inbound.moveReaderIndex(forwardBy: count)
                snapshotBytesReceived += count
                if remaining - count > 0 {
                    state = .receivingSnapshot(id: id, offset: offset, remaining: remaining - count)
                    return
                }
                finishFullSync(id: id, offset: offset)
            case .connected:
                applyStream(&connection.inbound)
                return
            }
        }
    }

    public func connectionDidClose(_ connection: Connection, error: IOError?) {
        guard self.connection === connection, !isOrphaned else { return }
        self.connection = nil
        if state == .connected || downSince == nil {
            executor.logger.warning("connection with master lost", ["master": master.description])
        }
        if downSince == nil { downSince = executor.clock() }
        state = .idle
        snapshot = []
        decoder.reset()
        // A transaction the master had started in the stream is gone with the link.
        if session.isInTransaction { executor.endTransaction(session) }
    }

    // MARK: - Handshake

    private func handshakeReply(_ line: [UInt8], step: HandshakeStep) {
        let text = String(decoding: line, as: UTF8.self)
        let isError = line.first == UInt8(ascii: "-")
        switch step {
        case .ping:
            // -NOAUTH is fine here: AUTH comes next.
            guard !isError || text.hasPrefix("-NOAUTH") else { return fail("error reply to PING: \(text)") }
            let password =
                executor.configuration.masterAuth.isEmpty
                ? executor.configuration.requirePass : executor.configuration.masterAuth
            if password.isEmpty {
                sendListeningPort()
            } else {
                send(["AUTH", password])
                state = .handshake(.auth)
            }
        case .auth:
            guard !isError else { return fail("unable to AUTH to MASTER: \(text)") }
            sendListeningPort()
        case .listeningPort:
            // An old master may not know REPLCONF: not fatal, as in Redis.
            send(["REPLCONF", "capa", "eof", "capa", "psync2"])
            state = .handshake(.capabilities)
        case .capabilities:
            let id = processedOffset > 0 || masterReplicationID != ReplicationID.none ? masterReplicationID : "?"
            let offset = id == "?" ? "-1" : String(processedOffset + 1)
            executor.logger.info(
                "trying a partial resynchronization", ["master": master.description, "replid": id, "offset": offset])
            send(["PSYNC", id, offset])
            state = .handshake(.psync)
        case .psync:
            psyncReply(text)
        }
    }

    private func sendListeningPort() {
        // Our own address too: connections leave from 127.0.0.1, and INFO should name the instance.
        send(["REPLCONF", "listening-port", String(executor.boundPort), "ip-address", executor.configuration.bind])
        state = .handshake(.listeningPort)
    }

    private func psyncReply(_ text: String) {
        let words = text.split(separator: " ")
        if text.hasPrefix("+FULLRESYNC"), words.count == 3, let offset = Int(words[2]) {
            executor.logger.info(
                "full resync from master", ["master": master.description, "replid": words[1], "offset": offset])
            state = .awaitingSnapshot(id: String(words[1]), offset: offset)
        } else if text.hasPrefix("+CONTINUE") {
            if words.count == 2, words[1] != masterReplicationID {
                // The master started a new history (a promoted replica): ours becomes its secondary.
                executor.replication.follow(id: String(words[1]), offset: processedOffset)
                masterReplicationID = String(words[1])
            }
            executor.logger.info(
                "successful partial resynchronization with master",
                ["master": master.description, "offset": processedOffset])
            linkUp()
        } else {
            fail("unexpected reply to PSYNC: \(text)")
        }
    }

    private func finishFullSync(id: String, offset: Int) {
        let bytes = snapshot
        snapshot = []
        let started = executor.clock()
        do {
            try executor.loadSnapshot(bytes)
        } catch {
            return fail("failed trying to load the MASTER synchronization DB from socket: \(error)")
        }
        masterReplicationID = id
        processedOffset = offset
        executor.replication.follow(id: id, offset: offset)
        executor.disconnectReplicas()
        executor.logger.info(
            "MASTER <-> REPLICA sync: finished with success",
            ["bytes": bytes.count, "keys": executor.keyspace.count, "load_ms": executor.clock() - started])
        // The snapshot replaced the data: the AOF must start over from it.
        if executor.appendOnlyLog != nil {
            executor.stopAppendOnly()
            try? executor.startAppendOnly()
        }
        linkUp()
    }

    private func linkUp() {
        // Our own stream (what our replicas and a promotion continue from) is the master's, at our offset.
        let feed = executor.replication
        if feed.replicationID != masterReplicationID || feed.masterOffset != processedOffset {
            feed.follow(id: masterReplicationID, offset: processedOffset)
        }
        state = .connected
        downSince = nil
        decoder.reset()
        send(["REPLCONF", "ACK", String(processedOffset)])
        executor.publishStatistics()
    }

    private func fail(_ reason: String) {
        executor.logger.warning("replication handshake failed", ["master": master.description, "reason": reason])
        connection?.close()
    }

    /// One `\r\n`-terminated line without its terminator, nil until a whole line arrived.
    private func readLine(_ buffer: inout ByteBuffer) -> [UInt8]? {
        let line: [UInt8]? = buffer.withUnsafeReadableBytes { raw in
            guard let end = raw.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            let body = raw[..<end]
            return Array(body.last == UInt8(ascii: "\r") ? body.dropLast() : body)
        }
        if let line {
            buffer.moveReaderIndex(forwardBy: line.count + 2)
        }
        return line
    }

    // MARK: - The stream

    /// Applies every whole command of the stream: executed as the master's session (replies dropped),
    /// counted in `processedOffset`, passed on verbatim to our own backlog and replicas.
    private func applyStream(_ buffer: inout ByteBuffer) {
        executor.now = executor.clock()
        // The buffer may reset its indices once drained: count consumed bytes by what is left instead.
        let input = buffer.withUnsafeReadableBytes { Array($0) }
        var applied = 0
        var needsAcknowledgement = false
        while true {
            let command: RESPCommand?
            do {
                command = try decoder.decode(&buffer)
            } catch {
                return fail("protocol error in the master's stream: \(error)")
            }
            guard let command else { break }
            let length = input.count - buffer.readableBytes - applied
            applied += length
            if command.isNamed("replconf") {
                needsAcknowledgement =
                    needsAcknowledgement || command.count >= 2 && command.argument(1, equalsCaseInsensitive: "GETACK")
            } else if !command.isNamed("ping") {
                var request = CommandRequest(command: command, client: session)
                executor.execute(&request)
            }
            processedOffset += length
        }
        if applied > 0 {
            var stream = ByteBuffer()
            stream.writeBytes(input[..<applied])
            executor.replication.propagate(stream)
            executor.flushPropagation()
        }
        if needsAcknowledgement { send(["REPLCONF", "ACK", String(processedOffset)]) }
        executor.publishStatistics()
    }
}
