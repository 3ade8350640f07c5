import Core
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// The part of an `HTTPServer` that lives on one event loop: its listener, its connections, the
/// timeout sweep and the cached `Date` header. Confined to that loop's thread.
final class HTTPServerLoop {
    let loop: EventLoop
    let configuration: HTTPServerConfiguration
    let router: Router
    var listener: Listener?
    private var connections: [ObjectIdentifier: HTTPServerConnection] = [:]
    private var sweepTimer: RepeatingTimer?
    private(set) var isDraining = false
    /// `Date: <IMF-fixdate>\r\n` for the current second, plus the `Server` line; refreshed once a second.
    private var dateLine: [UInt8] = []
    private var dateSecond = -1
    private let serverLine: [UInt8]
    private let encoder = HTTPResponseEncoder()

    init(loop: EventLoop, configuration: HTTPServerConfiguration, router: Router) {
        self.loop = loop
        self.configuration = configuration
        self.router = router
        self.serverLine = configuration.serverName.map { Array("Server: \($0)\r\n".utf8) } ?? []
    }

    /// Binds this loop's listener (SO_REUSEPORT when the server has several loops).
    func start(address: SocketAddress, reusePort: Bool) throws(IOError) -> SocketAddress {
        // The listener (held by the loop while registered) keeps this object alive until it is closed.
        let listener = try Listener(address: address, on: loop, reusePort: reusePort) { connection in
            self.accept(connection)
        }
        self.listener = listener
        sweepTimer = loop.scheduleRepeating(every: .seconds(1 as Int64)) { self.sweep() }
        return listener.address
    }

    private func accept(_ connection: Connection) {
        guard !isDraining, connections.count < configuration.maxConnectionsPerLoop else {
            connection.close()
            return
        }
        let handler = HTTPServerConnection(connection: connection, shared: self)
        connection.handler = handler
        connections[ObjectIdentifier(handler)] = handler
    }

    func remove(_ handler: HTTPServerConnection) {
        connections.removeValue(forKey: ObjectIdentifier(handler))
    }

    var connectionCount: Int { connections.count }

    /// Applies the header and idle timeouts.
    private func sweep() {
        let now = loop.now
        for handler in Array(connections.values) {
            if let started = handler.requestStartedAt, now - started > configuration.headerTimeout {
                handler.timeOut()
            } else if handler.isIdle, now - handler.connection.lastReadAt > configuration.idleTimeout {
                handler.timeOut()
            }
        }
    }

    /// Stops accepting and closes idle connections; busy ones close after their current answer.
    func beginDrain() {
        isDraining = true
        listener?.close()
        listener = nil
        for handler in Array(connections.values) { handler.drain() }
    }

    /// Closes everything that is left.
    func forceClose() {
        sweepTimer?.cancel()
        for handler in Array(connections.values) { handler.connection.close() }
    }

    // MARK: - Encoding

    /// Writes status line, server headers, the response's headers, Content-Length and body.
    /// `announceKeepAlive` adds `Connection: keep-alive`, which an HTTP/1.0 client needs to keep the connection.
    func encodeResponse(
        _ response: HTTPResponse, keepAlive: Bool, announceKeepAlive: Bool = false, omitBody: Bool,
        into connection: Connection
    ) {
        refreshDate()
        let head = HTTPResponseHead(status: response.status, headers: response.headers)
        let code = response.status.code
        let framing: HTTPBodyFraming = code < 200 || code == 204 ? .none : .length(response.body.readableBytes)
        connection.withOutbound { out in
            encoder.writeStatusLine(head, into: &out)
            out.writeBytes(serverLine)
            out.writeBytes(dateLine)
            out.writeFields(response.headers)
            if !keepAlive {
                out.writeStatic("Connection: close\r\n")
            } else if announceKeepAlive {
                out.writeStatic("Connection: keep-alive\r\n")
            }
            out.writeFramingAndEnd(framing, headers: response.headers)
            if !omitBody, case .length = framing { out.writeBuffer(response.body) }
        }
    }

    /// Writes the head of a chunked answer (server headers included).
    func encodeStreamHead(_ head: HTTPResponseHead, keepAlive: Bool, into connection: Connection) {
        refreshDate()
        connection.withOutbound { out in
            encoder.writeStatusLine(head, into: &out)
            out.writeBytes(serverLine)
            out.writeBytes(dateLine)
            out.writeFields(head.headers)
            if !keepAlive { out.writeStatic("Connection: close\r\n") }
            out.writeFramingAndEnd(.chunked, headers: head.headers)
        }
    }

    private func refreshDate() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = Int(now.tv_sec)
        guard second != dateSecond else { return }
        dateSecond = second
        dateLine = Array("Date: \(HTTPServerLoop.imfFixdate(second))\r\n".utf8)
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 section 5.6.7).
    static func imfFixdate(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
