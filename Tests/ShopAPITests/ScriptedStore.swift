import Core
import RESP
import Reactor
import Synchronization

/// A fake store (or sentinel) on 127.0.0.1 for gateway tests: it answers each command from a script keyed
/// by the command's name (`ROLE`, `SET`, `SENTINEL`, ...), `+OK` for anything unscripted, and records every
/// command it receives. The script can change between calls (a failover, as the API sees one).
final class ScriptedStore: Sendable {
    let loop: EventLoop
    let address: SocketAddress
    private let shared: Shared

    final class Shared: Sendable {
        let script = Mutex<[String: RESPValue]>([:])
        let commands = Mutex<[[String]]>([])
    }

    /// Starts the server on its own loop, on 127.0.0.1 and a free port.
    init(_ script: [String: RESPValue] = [:]) async throws {
        let loop = try EventLoop.start(name: "scripted-store")
        let shared = Shared()
        shared.script.withLock { $0 = script }
        self.loop = loop
        self.shared = shared
        self.address = try await loop.submit { () throws -> SocketAddress in
            let listener = try Listener(address: SocketAddress("127.0.0.1:0")!, on: loop) { connection in
                connection.handler = ScriptedConnection(shared: shared)
            }
            return listener.address
        }
    }

    /// Replaces the replies to these commands.
    func answer(_ replies: [String: RESPValue]) {
        shared.script.withLock { $0.merge(replies) { $1 } }
    }

    /// Every command received so far, in order.
    var commands: [[String]] { shared.commands.withLock { $0 } }

    /// How many commands named `name` arrived.
    func count(_ name: String) -> Int { commands.filter { $0.first?.uppercased() == name }.count }

    /// Stops the server's loop, closing the listener and every connection.
    func stop() { loop.stop() }

    /// The `ROLE` reply of a master with these replicas.
    static func master(replicas: [SocketAddress] = [], offset: Int = 0) -> RESPValue {
        .array([
            .bulkString("master"), .integer(offset),
            .array(
                replicas.map { .array([.bulkString($0.host), .bulkString(String($0.port ?? 0)), .bulkString("0")]) }),
        ])
    }

    /// The `ROLE` reply of a replica of `master`.
    static func replica(of master: SocketAddress) -> RESPValue {
        .array([
            .bulkString("slave"), .bulkString(master.host), .integer(master.port ?? 0), .bulkString("connected"),
            .integer(0),
        ])
    }
}

/// One connection of a `ScriptedStore`.
private final class ScriptedConnection: ConnectionHandler {
    let shared: ScriptedStore.Shared
    var decoder = RESPCommandDecoder()
    let encoder = RESPEncoder(protocolVersion: .resp2)

    init(shared: ScriptedStore.Shared) { self.shared = shared }

    func connectionDidRead(_ connection: Connection) {
        while connection.isOpen {
            guard let command = try? decoder.decode(&connection.inbound) else { return }
            let arguments = (0..<command.count).map { command.string(at: $0) }
            shared.commands.withLock { $0.append(arguments) }
            let reply = shared.script.withLock { $0[arguments[0].uppercased()] } ?? .simpleString("OK")
            connection.withOutbound { encoder.encode(reply, into: &$0) }
        }
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) {}
}
