import Core
import Reactor

/// A pipelining RESP connection on one event loop: commands go out as soon as they are sent, replies
/// are matched to them in order. Loop-confined; `RESPClient` wraps it for async callers.
///
/// Push messages (RESP3 `>`) are handed to `onPush` and never consume a pending reply.
public final class RESPConnection: ConnectionHandler {
    public typealias Completion = (Result<RESPValue, RESPClientError>) -> Void

    /// The connection's loop.
    public let loop: EventLoop
    /// The server's address.
    public let address: SocketAddress
    /// Called with every RESP3 push (and, on RESP2, pub/sub messages once subscribed).
    public var onPush: ((RESPValue) -> Void)?
    /// Called once when the connection closes.
    public var onClose: ((RESPClientError) -> Void)?
    /// When true, commands sent during one turn of the loop leave in one write at the end of the turn
    /// instead of one write each: an HTTP loop that reads 40 requests in a turn then wakes the server once,
    /// not 40 times. Off by default (a command then leaves at once). Loop thread only.
    public var coalescesWrites = false
    // Confined to the loop thread: whether output is held until the task queued by `holdForTurn` runs.
    private var isHoldingForTurn = false

    private var connection: Connection?
    private var decoder = RESPDecoder()
    private var pending: [(completion: Completion, deadline: Instant)] = []
    private var pendingStart = 0
    private var timeoutSweep: RepeatingTimer?
    private let commandTimeout: TimeAmount

    private init(loop: EventLoop, address: SocketAddress, commandTimeout: TimeAmount) {
        self.loop = loop
        self.address = address
        self.commandTimeout = commandTimeout
    }

    /// Connects, authenticates (`AUTH [username] password`) and, for RESP3, says `HELLO 3`; calls
    /// `completion` on the loop thread. Loop thread only.
    public static func connect(
        to address: SocketAddress, on loop: EventLoop, password: String? = nil, username: String? = nil,
        protocolVersion: Int = 2, connectTimeout: TimeAmount = .seconds(2 as Int64),
        commandTimeout: TimeAmount = .seconds(5 as Int64),
        _ completion: @escaping (Result<RESPConnection, RESPClientError>) -> Void
    ) {
        Connection.connect(to: address, on: loop, timeout: connectTimeout) { result in
            switch result {
            case .failure(let error):
                completion(.failure(RESPClientError(.connectFailed, error.description)))
            case .success(let connection):
                let client = RESPConnection(loop: loop, address: address, commandTimeout: commandTimeout)
                client.connection = connection
                connection.handler = client
                client.timeoutSweep = loop.scheduleRepeating(every: .milliseconds(100)) { [weak client] in
                    client?.expireTimedOut()
                }
                client.handshake(password: password, username: username, protocolVersion: protocolVersion) { error in
                    if let error {
                        client.close()
                        completion(.failure(error))
                    } else {
                        completion(.success(client))
                    }
                }
            }
        }
    }

    private func handshake(
        password: String?, username: String?, protocolVersion: Int, _ done: @escaping (RESPClientError?) -> Void
    ) {
        var steps: [[String]] = []
        if protocolVersion == 3 {
            var hello = ["HELLO", "3"]
            if let password { hello += ["AUTH", username ?? "default", password] }
            steps.append(hello)
        } else if let password {
            steps.append(username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        guard !steps.isEmpty else { return done(nil) }
        var remaining = steps.count
        var failure: RESPClientError?
        for step in steps {
            send(step) { result in
                switch result {
                case .success(.error(let message)):
                    failure =
                        failure
                        ?? RESPClientError(.connectFailed, "unable to authenticate to \(self.address): \(message)")
                case .failure(let error):
                    failure =
                        failure
                        ?? RESPClientError(.connectFailed, "unable to authenticate to \(self.address): \(error)")
                case .success:
                    break
                }
                remaining -= 1
                if remaining == 0 { done(failure) }
            }
        }
    }

    /// Whether the connection is open.
    public var isOpen: Bool { connection?.isOpen ?? false }

    /// Replies not yet received.
    public var outstanding: Int { pending.count - pendingStart }

    /// Sends one command; `completion` gets its reply (an `-ERR` reply is `.success(.error(...))`).
    public func send(_ arguments: [String], _ completion: @escaping Completion) {
        send(arguments.map { Array($0.utf8) }, completion)
    }

    /// Sends one command of binary arguments.
    public func send(_ arguments: [[UInt8]], _ completion: @escaping Completion) {
        guard let connection, connection.isOpen else {
            completion(.failure(RESPClientError(.connectionClosed, "unable to send to \(address): connection closed")))
            return
        }
        pending.append((completion, loop.now + commandTimeout))
        if coalescesWrites { holdForTurn(connection) }
        connection.withOutbound { RESPEncoder.encodeCommand(arguments, into: &$0) }
    }

    /// Holds `connection`'s output until the loop's local tasks run, which is after the events of this turn
    /// and always before the loop waits again, so nothing held can wait for another event.
    private func holdForTurn(_ connection: Connection) {
        guard !isHoldingForTurn else { return }
        isHoldingForTurn = true
        connection.holdOutput()
        loop.executeOnLoop { [weak self] in
            guard let self else { return }
            self.isHoldingForTurn = false
            self.connection?.releaseOutput()
        }
    }

    /// Sends `commands` in one write (a pipeline); `completion` gets their replies in order once the last
    /// arrives, or the first failure (the connection closed or timed out). Error replies are values in the
    /// array. An empty list completes at once with no replies.
    public func send(
        pipeline commands: [[String]], _ completion: @escaping (Result<[RESPValue], RESPClientError>) -> Void
    ) {
        guard !commands.isEmpty else { return completion(.success([])) }
        guard let connection, connection.isOpen else {
            completion(.failure(RESPClientError(.connectionClosed, "unable to send to \(address): connection closed")))
            return
        }
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        var isFinished = false
        let deadline = loop.now + commandTimeout
        for _ in commands {
            pending.append(
                (
                    { result in
                        guard !isFinished else { return }
                        switch result {
                        case .success(let value):
                            replies.append(value)
                            if replies.count == commands.count {
                                isFinished = true
                                completion(.success(replies))
                            }
                        case .failure(let error):
                            isFinished = true
                            completion(.failure(error))
                        }
                    }, deadline
                ))
        }
        if coalescesWrites { holdForTurn(connection) }
        connection.withOutbound { buffer in
            for command in commands { RESPEncoder.encodeCommand(command, into: &buffer) }
        }
    }

    /// Closes the connection; outstanding commands fail.
    public func close() {
        connection?.close()
    }

    // MARK: - ConnectionHandler

    public func connectionDidRead(_ connection: Connection) {
        while true {
            let value: RESPValue?
            do {
                value = try decoder.decode(&connection.inbound)
            } catch {
                failAll(RESPClientError(.protocolError, "unable to read reply from \(address): \(error)"))
                connection.close()
                return
            }
            guard let value else { return }
            if case .push = value {
                onPush?(value)
                continue
            }
            guard pendingStart < pending.count else {
                // Subscribed RESP2 connections receive messages as arrays with nothing pending.
                onPush?(value)
                continue
            }
            let completion = pending[pendingStart].completion
            pendingStart += 1
            if pendingStart == pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingStart = 0
            }
            completion(.success(value))
        }
    }

    public func connectionDidClose(_ connection: Connection, error: IOError?) {
        timeoutSweep?.cancel()
        let reason = RESPClientError(
            .connectionClosed,
            "unable to read reply from \(address): connection closed" + (error.map { " (\($0))" } ?? ""))
        failAll(reason)
        onClose?(reason)
    }

    private func failAll(_ error: RESPClientError) {
        let waiting = pending[pendingStart...].map(\.completion)
        pending.removeAll()
        pendingStart = 0
        for completion in waiting { completion(.failure(error)) }
    }

    /// A reply that is late breaks the pipeline's order for good: fail everything and close.
    private func expireTimedOut() {
        guard pendingStart < pending.count, pending[pendingStart].deadline < loop.now else { return }
        failAll(RESPClientError(.timeout, "unable to read reply from \(address): timed out"))
        connection?.close()
    }
}
