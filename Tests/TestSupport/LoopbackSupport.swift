import Core
import HTTP
import Reactor
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Polling

/// Polls `condition` until it holds or `timeout` passes, without blocking a cooperative thread.
public func eventually(
    timeout: TimeAmount = .seconds(5 as Int64), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = Instant.now + timeout
    while Instant.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return try await condition()
}

/// A path for a Unix socket under /tmp that no other test uses.
public func temporarySocketPath(_ name: String) -> String {
    "/tmp/evergreen-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
}

/// A 127.0.0.1 port that nothing listens on: bound once by the kernel's choice, then closed.
public func closedLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0)
    defer { close(fd) }
    _ = try? SocketAddress("127.0.0.1:0")!.withSockAddr { pointer, length in bind(fd, pointer, length) }
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    _ = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return SocketAddress.from(storage)!.port!
}

// MARK: - Server fixtures

/// Runs `body` against a started server on 127.0.0.1 port 0 (or `address`), then shuts it down.
public func withServer<T>(
    loops: Int = 1, address: SocketAddress = SocketAddress("127.0.0.1:0")!,
    configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    router: Router, _ body: (HTTPServer, SocketAddress) async throws -> T
) async throws -> T {
    var configuration = HTTPServerConfiguration(address: address, loopCount: loops)
    configure(&configuration)
    let server = try HTTPServer(configuration: configuration, router: router)
    let bound: SocketAddress
    do {
        bound = try await server.start()
    } catch {
        await server.shutdown(gracePeriod: .zero)
        throw error
    }
    do {
        let result = try await body(server, bound)
        await server.shutdown(gracePeriod: .zero)
        return result
    } catch {
        await server.shutdown(gracePeriod: .zero)
        throw error
    }
}

/// Runs `body` with a client on a loop of its own, then shuts the client down.
public func withClient<T>(
    configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
    _ body: (HTTPClient, EventLoop) async throws -> T
) async throws -> T {
    let group = try EventLoopGroup(loopCount: 1, name: "test-client")
    let client = try HTTPClient(group: group, configuration: configuration)
    defer { group.shutdown() }
    return try await body(client, group.loops[0])
}

// MARK: - Raw client

/// A response read by `RawClient`.
public struct RawResponse {
    public var head: HTTPResponseHead
    public var body: ByteBuffer

    public var status: Int { head.status.code }
    public var bodyText: String { body.description }
    public func header(_ name: String) -> String? { head.headers.first(name: name) }
}

/// A plain socket client for driving a server byte by byte: writes what it is told, reads with a
/// deadline by polling a non-blocking socket (so it never holds a cooperative thread).
public final class RawClient {
    public private(set) var fd: Int32
    /// Bytes received and not yet consumed by `readResponse`.
    public private(set) var received = ByteBuffer()
    public private(set) var sawEOF = false
    private var decoder = HTTPResponseDecoder()

    /// Connects (blocking; on loopback this is immediate) to `address`.
    public init(_ address: SocketAddress) throws {
        let family: Int32
        if case .unix = address { family = AF_UNIX } else { family = AF_INET }
        fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw IOError("create socket", errno: errno) }
        let fd = self.fd
        let result = try address.withSockAddr { pointer, length in connect(fd, pointer, length) }
        guard result == 0 else {
            let code = errno
            close(fd)
            self.fd = -1
            throw IOError("connect to \(address)", errno: code)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Sends every byte of `text`.
    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Sends every byte of `bytes`, waiting (by polling) while the socket buffer is full.
    public func send(_ bytes: [UInt8]) async throws {
        var offset = 0
        let deadline = Instant.now + .seconds(5 as Int64)
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
            } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                guard Instant.now < deadline else { throw IOError("send", reason: "timed out") }
                try await Task.sleep(for: .milliseconds(1))
            } else {
                throw IOError("send", errno: errno)
            }
        }
    }

    /// Shuts down the sending side: the server reads EOF.
    public func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Reads until `condition` holds for the received bytes, EOF, or `timeout`; returns whether it held.
    @discardableResult
    public func read(
        timeout: TimeAmount = .seconds(5 as Int64), until condition: (ByteBuffer) -> Bool
    ) async throws -> Bool {
        let deadline = Instant.now + timeout
        while !condition(received) {
            if sawEOF { return false }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                received.writeBytes(chunk[0..<count])
            } else if count == 0 {
                sawEOF = true
            } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                guard Instant.now < deadline else { return false }
                try await Task.sleep(for: .milliseconds(1))
            } else if errno == ECONNRESET {
                sawEOF = true
            } else {
                throw IOError("receive", errno: errno)
            }
        }
        return true
    }

    /// Reads the next response to a request with `method`; nil if the connection closed or the time ran
    /// out before it was complete.
    public func readResponse(
        to method: HTTPMethod = .GET, timeout: TimeAmount = .seconds(5 as Int64)
    ) async throws -> RawResponse? {
        decoder.expectResponse(to: method)
        var head: HTTPResponseHead?
        var body = ByteBuffer()
        let deadline = Instant.now + timeout
        while true {
            while let part = try decoder.decode(&received) {
                switch part {
                case .head(let decoded): head = decoded
                case .body(let chunk): body.writeBuffer(chunk)
                case .end: return head.map { RawResponse(head: $0, body: body) }
                }
            }
            let before = received.readableBytes
            let remaining = deadline - Instant.now
            guard remaining > .zero, !sawEOF else { return nil }
            try await read(timeout: remaining) { $0.readableBytes > before }
        }
    }

    /// Waits until the server closes the connection; false if it is still open after `timeout`.
    public func readUntilClosed(timeout: TimeAmount = .seconds(5 as Int64)) async throws -> Bool {
        try await read(timeout: timeout) { _ in false }
        return sawEOF
    }
}
