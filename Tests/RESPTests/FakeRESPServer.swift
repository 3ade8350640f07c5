import Core
import RESP
import Reactor
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny RESP server for client tests, on a Reactor listener of its own loop.
///
/// Commands: `PING [message]`, `ECHO message`, `AUTH [username] password`, `HELLO [2|3] [AUTH username
/// password]` (a map reply in RESP3), `FAIL` (an `-ERR` reply), `PUSH` (a RESP3 push, then `+OK`),
/// `SLOW` (never answered; nor is anything after it on that connection). With a password, every other
/// command before authentication is answered `-NOAUTH`.
final class FakeRESPServer: Sendable {
    let loop: EventLoop
    let address: SocketAddress
    let password: String?
    private let shared: Shared

    final class Shared: Sendable {
        let accepted = Atomic<Int>(0)
        /// Every command received, in order, across connections.
        let commands = Mutex<[[String]]>([])
        /// Open connections. Touched on the server's loop only; a box so the Sendable server can hold it.
        let open = LoopConfined<[ObjectIdentifier: Connection]>([:])
    }

    /// Holds a loop-confined value in a Sendable container; only the loop's thread touches `value`.
    final class LoopConfined<Value>: @unchecked Sendable {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    /// Starts the server on 127.0.0.1 port 0, or on `address`.
    init(password: String? = nil, address: SocketAddress = SocketAddress("127.0.0.1:0")!) async throws {
        let loop = try EventLoop.start(name: "fake-resp")
        let shared = Shared()
        self.loop = loop
        self.password = password
        self.shared = shared
        self.address = try await loop.submit { () throws -> SocketAddress in
            let listener = try Listener(address: address, on: loop) { connection in
                shared.accepted.wrappingAdd(1, ordering: .acquiringAndReleasing)
                shared.open.value[ObjectIdentifier(connection)] = connection
                connection.handler = FakeRESPConnection(password: password, shared: shared)
            }
            return listener.address
        }
    }

    /// Connections accepted so far.
    var acceptedCount: Int { shared.accepted.load(ordering: .acquiring) }

    /// Every command received so far, in order.
    var commands: [[String]] { shared.commands.withLock { $0 } }

    /// Whether a command named `name` has been received.
    func hasReceived(_ name: String) -> Bool { commands.contains { $0.first == name } }

    /// Closes every open connection from the server's side.
    func closeConnections() async throws {
        let shared = self.shared
        try await loop.submit {
            for connection in Array(shared.open.value.values) { connection.close() }
        }
    }

    /// Stops the server's loop, closing the listener and every connection.
    func stop() { loop.stop() }
}

/// One connection of a `FakeRESPServer`.
private final class FakeRESPConnection: ConnectionHandler {
    let password: String?
    let shared: FakeRESPServer.Shared
    var decoder = RESPCommandDecoder()
    var encoder = RESPEncoder(protocolVersion: .resp2)
    var isAuthenticated: Bool
    var isStalled = false

    init(password: String?, shared: FakeRESPServer.Shared) {
        self.password = password
        self.shared = shared
        self.isAuthenticated = password == nil
    }

    func connectionDidRead(_ connection: Connection) {
        while connection.isOpen {
            let command: RESPCommand?
            do {
                command = try decoder.decode(&connection.inbound)
            } catch {
                connection.close()
                return
            }
            guard let command else { return }
            let arguments = (0..<command.count).map { command.string(at: $0) }
            shared.commands.withLock { $0.append(arguments) }
            guard !isStalled else { continue }
            let replies = answer(arguments)
            connection.withOutbound { out in
                for reply in replies { encoder.encode(reply, into: &out) }
            }
        }
    }

    /// The values to write back: usually one reply; a push and a reply for `PUSH`; nothing for `SLOW`.
    private func answer(_ arguments: [String]) -> [RESPValue] {
        let name = arguments[0].uppercased()
        switch name {
        case "AUTH":
            guard arguments.count == 2 || arguments.count == 3 else {
                return [.error("ERR wrong number of arguments")]
            }
            return [authenticate(password: arguments[arguments.count - 1]) ?? .simpleString("OK")]
        case "HELLO":
            return [hello(arguments)]
        default:
            break
        }
        guard isAuthenticated else { return [.error("NOAUTH Authentication required.")] }
        switch name {
        case "PING":
            return [arguments.count > 1 ? .bulkString(arguments[1]) : .simpleString("PONG")]
        case "ECHO":
            return [arguments.count == 2 ? .bulkString(arguments[1]) : .error("ERR wrong number of arguments")]
        case "FAIL":
            return [.error("ERR failed on purpose")]
        case "PUSH":
            return [.push([.bulkString("message"), .bulkString("hello")]), .simpleString("OK")]
        case "SLOW":
            isStalled = true
            return []
        default:
            return [.error("ERR unknown command '\(arguments[0])'")]
        }
    }

    /// nil when `password` is right, otherwise the error reply.
    private func authenticate(password given: String) -> RESPValue? {
        guard let password else { return .error("ERR AUTH called without any password configured") }
        guard given == password else {
            return .error("WRONGPASS invalid username-password pair or user is disabled.")
        }
        isAuthenticated = true
        return nil
    }

    private func hello(_ arguments: [String]) -> RESPValue {
        var version = encoder.protocolVersion
        if arguments.count > 1 {
            guard let requested = Int(arguments[1]), let parsed = RESPProtocolVersion(rawValue: requested) else {
                return .error("NOPROTO unsupported protocol version")
            }
            version = parsed
        }
        if arguments.count >= 5, arguments[2].uppercased() == "AUTH" {
            if let error = authenticate(password: arguments[4]) { return error }
        }
        guard isAuthenticated else {
            return .error("NOAUTH HELLO must be called with the client already authenticated")
        }
        encoder.protocolVersion = version
        return .map([
            .init(.bulkString("server"), .bulkString("fake")),
            .init(.bulkString("proto"), .integer(version.rawValue)),
        ])
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) {
        shared.open.value.removeValue(forKey: ObjectIdentifier(connection))
    }
}
