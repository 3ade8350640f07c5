import Core
import Synchronization
import Testing

@testable import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// Echoes every byte back; closes on "quit".
final class EchoHandler: ConnectionHandler {
    func connectionDidRead(_ connection: Connection) {
        let bytes = connection.inbound.readableBytesArray
        connection.inbound.moveReaderIndex(forwardBy: bytes.count)
        if bytes == Array("quit".utf8) {
            connection.closeGracefully()
            return
        }
        connection.withOutbound { $0.writeBytes(bytes) }
    }
    func connectionDidClose(_ connection: Connection, error: IOError?) {}
}

/// Collects what a client connection receives.
final class CollectingHandler: ConnectionHandler, @unchecked Sendable {
    // Confined to the loop thread; `received` is read by the test through the mutex.
    let received = Mutex<[UInt8]>([])
    let closed = Atomic<Bool>(false)
    func connectionDidRead(_ connection: Connection) {
        let bytes = connection.inbound.readableBytesArray
        connection.inbound.moveReaderIndex(forwardBy: bytes.count)
        received.withLock { $0.append(contentsOf: bytes) }
    }
    func connectionDidClose(_ connection: Connection, error: IOError?) { closed.store(true, ordering: .releasing) }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: TimeAmount = .seconds(5 as Int64), _ condition: () -> Bool) -> Bool {
    let deadline = Instant.now + timeout
    while Instant.now < deadline {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

@Suite struct ConnectionTests {
    @Test("a client and an echo server exchange bytes over 127.0.0.1")
    func echo() async throws {
        let loop = try EventLoop.start(name: "test")
        defer { loop.stop() }
        let port = try await loop.submit { () throws -> Int in
            let listener = try Listener(address: SocketAddress("127.0.0.1:0")!, on: loop) { $0.handler = EchoHandler() }
            return listener.address.port!
        }
        let client = CollectingHandler()
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        loop.execute {
            Connection.connect(
                to: SocketAddress(host: "127.0.0.1", port: port)!, on: loop, timeout: .seconds(2 as Int64)
            ) {
                result in
                guard case .success(let connection) = result else { return }
                connection.handler = client
                payload.withUnsafeBytes { connection.write($0) }
            }
        }
        #expect(eventually { client.received.withLock { $0.count } == payload.count })
        #expect(client.received.withLock { $0 } == payload)
    }

    @Test("closing gracefully delivers pending output, then the peer reads EOF")
    func gracefulClose() async throws {
        let loop = try EventLoop.start(name: "test")
        defer { loop.stop() }
        let port = try await loop.submit { () throws -> Int in
            let listener = try Listener(address: SocketAddress("127.0.0.1:0")!, on: loop) { $0.handler = EchoHandler() }
            return listener.address.port!
        }
        let client = CollectingHandler()
        loop.execute {
            Connection.connect(
                to: SocketAddress(host: "127.0.0.1", port: port)!, on: loop, timeout: .seconds(2 as Int64)
            ) {
                result in
                guard case .success(let connection) = result else { return }
                connection.handler = client
                connection.write(ByteBuffer(string: "hello"))
                connection.loop.schedule(after: .milliseconds(50)) { connection.write(ByteBuffer(string: "quit")) }
            }
        }
        #expect(eventually { client.closed.load(ordering: .acquiring) })
        #expect(client.received.withLock { $0 } == Array("hello".utf8))
    }

    @Test("connecting to a port nobody listens on fails with connection refused")
    func refused() async throws {
        let loop = try EventLoop.start(name: "test")
        defer { loop.stop() }
        let outcome = Mutex<IOError?>(nil)
        // Bind then close a listener to find a port that is (almost certainly) free.
        let port = try await loop.submit { () throws -> Int in
            let listener = try Listener(address: SocketAddress("127.0.0.1:0")!, on: loop) { _ in }
            defer { listener.close() }
            return listener.address.port!
        }
        loop.execute {
            Connection.connect(
                to: SocketAddress(host: "127.0.0.1", port: port)!, on: loop, timeout: .seconds(2 as Int64)
            ) {
                result in
                if case .failure(let error) = result { outcome.withLock { $0 = error } }
            }
        }
        #expect(eventually { outcome.withLock { $0 } != nil })
        #expect(outcome.withLock { $0?.errnoCode } == ECONNREFUSED)
    }

    @Test("a Unix socket listener is created with mode 0600 and carries bytes")
    func unixSocket() async throws {
        let loop = try EventLoop.start(name: "test")
        defer { loop.stop() }
        let path = "/tmp/evergreen-test-\(getpid())-\(Int.random(in: 0..<1_000_000)).sock"
        _ = try await loop.submit { () throws -> Bool in
            _ = try Listener(address: .unix(path: path), on: loop) { $0.handler = EchoHandler() }
            return true
        }
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let client = CollectingHandler()
        loop.execute {
            Connection.connect(to: .unix(path: path), on: loop, timeout: .seconds(2 as Int64)) { result in
                guard case .success(let connection) = result else { return }
                connection.handler = client
                connection.write(ByteBuffer(string: "ping"))
            }
        }
        #expect(eventually { client.received.withLock { $0 } == Array("ping".utf8) })
    }
}
