import Core
import Reactor

/// How an `HTTPServer` listens, limits and times out.
public struct HTTPServerConfiguration: Sendable {
    /// Where to listen (an IPv4 loopback address and port, or a Unix socket path).
    public var address: SocketAddress
    /// Event loops (threads), each with its own SO_REUSEPORT listener. Default: one per core.
    public var loopCount: Int
    /// Decoder limits: request line (414), headers (431), body (413).
    public var limits: HTTPDecoderLimits
    /// A connection with a partial request for this long is answered 408 and closed.
    public var headerTimeout: TimeAmount
    /// A keep-alive connection with no request for this long is closed (408 if it never sent one).
    public var idleTimeout: TimeAmount
    /// Connections per loop beyond which new ones are closed at once.
    public var maxConnectionsPerLoop: Int
    /// The `Server` header value, or nil for none.
    public var serverName: String?
    /// Builds the answers the server gives by itself (404 and 405 from the router, 408, the decoder's 4xx):
    /// a service with its own error shape sets this. Called on the loop thread.
    public var errorResponse: @Sendable (HTTPResponseStatus, String) -> HTTPResponse

    public init(
        address: SocketAddress, loopCount: Int = EventLoopGroup.coreCount, limits: HTTPDecoderLimits = .default,
        headerTimeout: TimeAmount = .seconds(10 as Int64), idleTimeout: TimeAmount = .seconds(75 as Int64),
        maxConnectionsPerLoop: Int = 16_384, serverName: String? = "evergreen",
        errorResponse: @escaping @Sendable (HTTPResponseStatus, String) -> HTTPResponse = {
            HTTPResponse.error($0, message: $1)
        }
    ) {
        self.address = address
        self.loopCount = loopCount
        self.limits = limits
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnectionsPerLoop = maxConnectionsPerLoop
        self.serverName = serverName
        self.errorResponse = errorResponse
    }
}
