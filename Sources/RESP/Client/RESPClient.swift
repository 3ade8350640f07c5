import Core
import Reactor
import Synchronization

/// An async RESP client over one pipelined connection, reconnecting on the next call after a failure.
///
/// ```swift
/// let client = try RESPClient(address: SocketAddress("127.0.0.1:6379")!, password: "secret")
/// try await client.send("SET", "k", "v")
/// let replies = try await client.pipeline([["INCR", "n"], ["GET", "n"]])
/// ```
/// Concurrent calls share the connection and are pipelined. Thread-safe.
public final class RESPClient: Sendable {
    public struct Configuration: Sendable {
        public var password: String?
        public var username: String?
        /// 2 or 3 (`HELLO 3` on connect).
        public var protocolVersion: Int
        public var connectTimeout: TimeAmount
        public var commandTimeout: TimeAmount

        public init(
            password: String? = nil, username: String? = nil, protocolVersion: Int = 2,
            connectTimeout: TimeAmount = .seconds(2 as Int64), commandTimeout: TimeAmount = .seconds(5 as Int64)
        ) {
            self.password = password
            self.username = username
            self.protocolVersion = protocolVersion
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
        }
    }

    public let address: SocketAddress
    public let configuration: Configuration
    private let loop: EventLoop
    private let ownsLoop: Bool
    /// Touched on `loop` only; a box so the Sendable client can hold it.
    private let state: StateBox
    private let isClosed = Atomic<Bool>(false)

    private final class StateBox: @unchecked Sendable {
        // Confined to the client's loop thread.
        var connection: RESPConnection?
        var connecting: [(Result<RESPConnection, RESPClientError>) -> Void] = []
    }

    /// A client for `address`, on `loop` or on a loop of its own.
    public init(
        address: SocketAddress, configuration: Configuration = Configuration(), loop: EventLoop? = nil
    )
        throws(IOError)
    {
        self.address = address
        self.configuration = configuration
        if let loop {
            self.loop = loop
            self.ownsLoop = false
        } else {
            self.loop = try EventLoop.start(name: "resp-client")
            self.ownsLoop = true
        }
        self.state = StateBox()
    }

    /// Sends one command and returns its reply; a server error reply throws `.serverError`.
    @discardableResult
    public func send(_ arguments: String...) async throws(RESPClientError) -> RESPValue {
        try await send(arguments)
    }

    /// Sends one command and returns its reply; a server error reply throws `.serverError`.
    @discardableResult
    public func send(_ arguments: [String]) async throws(RESPClientError) -> RESPValue {
        let replies = try await pipeline([arguments])
        if case .error(let message) = replies[0] { throw RESPClientError(.serverError, message) }
        return replies[0]
    }

    /// Sends several commands back to back and returns their replies in order (error replies included
    /// as `.error` values, as a pipeline has them).
    public func pipeline(_ commands: [[String]]) async throws(RESPClientError) -> [RESPValue] {
        // No command means no reply to wait for: the continuation below would never be resumed.
        guard !commands.isEmpty else { return [] }
        // A closed client's loop may be stopped, and a stopped loop runs no more tasks.
        if isClosed.load(ordering: .acquiring) {
            throw RESPClientError(.connectionClosed, "unable to send to \(address): the client was closed")
        }
        let result: Result<[RESPValue], RESPClientError> = await withCheckedContinuation { continuation in
            loop.execute {
                self.withConnection { result in
                    switch result {
                    case .failure(let error):
                        continuation.resume(returning: .failure(error))
                    case .success(let connection):
                        var replies = [RESPValue?](repeating: nil, count: commands.count)
                        var remaining = commands.count
                        var failure: RESPClientError?
                        for (index, command) in commands.enumerated() {
                            connection.send(command) { reply in
                                switch reply {
                                case .success(let value): replies[index] = value
                                case .failure(let error): failure = failure ?? error
                                }
                                remaining -= 1
                                if remaining == 0 {
                                    if let failure {
                                        continuation.resume(returning: .failure(failure))
                                    } else {
                                        continuation.resume(returning: .success(replies.map { $0! }))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return try result.get()
    }

    /// Closes the connection (and stops the client's own loop). Later calls fail with `.connectionClosed`.
    public func close() {
        isClosed.store(true, ordering: .releasing)
        let state = self.state
        let ownsLoop = self.ownsLoop
        let loop = self.loop
        loop.execute {
            state.connection?.close()
            state.connection = nil
            if ownsLoop { loop.stop() }
        }
    }

    /// Calls `body` with an open connection, connecting first if needed. Loop thread only.
    private func withConnection(_ body: @escaping (Result<RESPConnection, RESPClientError>) -> Void) {
        if let connection = state.connection, connection.isOpen { return body(.success(connection)) }
        state.connection = nil
        state.connecting.append(body)
        guard state.connecting.count == 1 else { return }
        let state = self.state
        RESPConnection.connect(
            to: address, on: loop, password: configuration.password, username: configuration.username,
            protocolVersion: configuration.protocolVersion, connectTimeout: configuration.connectTimeout,
            commandTimeout: configuration.commandTimeout
        ) { result in
            if case .success(let connection) = result { state.connection = connection }
            let waiting = state.connecting
            state.connecting.removeAll()
            for waiter in waiting { waiter(result) }
        }
    }
}
