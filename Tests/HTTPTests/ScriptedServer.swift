import Core
import Synchronization
import TestSupport

@testable import Reactor

/// A raw TCP server for client tests that answers each request head with bytes a script chooses:
/// responses a real server would not send (chunked bodies), or closes at awkward moments.
final class ScriptedServer: Sendable {
    /// What to do with one request.
    enum Reply: Sendable {
        /// Send these bytes and keep the connection open.
        case send(String)
        /// Send these bytes, then close.
        case sendAndClose(String)
        /// Close without answering.
        case close
        /// Never answer.
        case ignore
    }

    /// Chooses the reply to the `request`-th request (from 0) on the `connection`-th connection (from 0).
    typealias Script = @Sendable (_ connection: Int, _ request: Int, _ head: String) -> Reply

    let loop: EventLoop
    let address: SocketAddress
    private let counts: Counts

    final class Counts: Sendable {
        let accepted = Atomic<Int>(0)
        let requests = Atomic<Int>(0)
    }

    /// Connections accepted so far.
    var acceptedCount: Int { counts.accepted.load(ordering: .acquiring) }
    /// Request heads received so far.
    var requestCount: Int { counts.requests.load(ordering: .acquiring) }

    init(_ script: @escaping Script) async throws {
        let loop = try EventLoop.start(name: "scripted")
        let counts = Counts()
        self.loop = loop
        self.counts = counts
        self.address = try await loop.submit { () throws -> SocketAddress in
            let listener = try Listener(address: SocketAddress("127.0.0.1:0")!, on: loop) { connection in
                let index = counts.accepted.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
                connection.handler = ScriptedConnection(index: index, counts: counts, script: script)
            }
            return listener.address
        }
    }

    /// Stops the server's loop (closing its listener and connections).
    func stop() { loop.stop() }
}

/// One connection of a `ScriptedServer`: splits the input at blank lines (requests without bodies).
private final class ScriptedConnection: ConnectionHandler {
    let index: Int
    let counts: ScriptedServer.Counts
    let script: ScriptedServer.Script
    var requestIndex = 0
    static let blankLine = Array("\r\n\r\n".utf8)

    init(index: Int, counts: ScriptedServer.Counts, script: @escaping ScriptedServer.Script) {
        self.index = index
        self.counts = counts
        self.script = script
    }

    func connectionDidRead(_ connection: Connection) {
        while connection.isOpen {
            let bytes = connection.inbound.readableView
            guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: Self.blankLine) }) else { return }
            let length = end - bytes.startIndex + Self.blankLine.count
            let head = String(decoding: bytes.prefix(length), as: UTF8.self)
            connection.inbound.moveReaderIndex(forwardBy: length)
            counts.requests.wrappingAdd(1, ordering: .acquiringAndReleasing)
            let reply = script(index, requestIndex, head)
            requestIndex += 1
            switch reply {
            case .send(let bytes):
                connection.write(ByteBuffer(string: bytes))
            case .sendAndClose(let bytes):
                connection.write(ByteBuffer(string: bytes))
                connection.closeGracefully()
            case .close:
                connection.close()
            case .ignore:
                break
            }
        }
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) {}
}
