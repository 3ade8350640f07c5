import Core

/// A request for `HTTPClient`: method, target, headers and body. `Host` and `Content-Length` are added.
public struct HTTPClientRequest: Sendable {
    public var method: HTTPMethod
    /// Origin-form target: `/path?query`.
    public var target: String
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(method: HTTPMethod = .GET, target: String, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer())
    {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// Whether a retry on a fresh connection is safe (RFC 9110 section 9.2.2).
    public var isIdempotent: Bool {
        switch method {
        case .GET, .HEAD, .PUT, .DELETE, .OPTIONS, .TRACE: return true
        case .POST, .PATCH, .CONNECT, .other: return false
        }
    }
}

/// A complete response received by `HTTPClient`.
public struct HTTPClientResponse: Sendable {
    public var head: HTTPResponseHead
    public var body: ByteBuffer

    public var status: HTTPResponseStatus { head.status }
    public var headers: HTTPHeaders { head.headers }
    /// The body as UTF-8 text.
    public var bodyText: String { body.description }
}

/// Timeouts, pool sizes and limits of an `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// How long a connect may take.
    public var connectTimeout: TimeAmount
    /// How long the whole response may take after the request is written.
    public var readTimeout: TimeAmount
    /// Idle keep-alive connections kept per upstream per loop.
    public var maxIdlePerUpstream: Int
    /// An idle pooled connection older than this is closed rather than reused.
    public var idleTimeout: TimeAmount
    /// Response decoder limits (the body limit guards memory: responses are gathered whole).
    public var limits: HTTPDecoderLimits

    public init(
        connectTimeout: TimeAmount = .seconds(2 as Int64), readTimeout: TimeAmount = .seconds(30 as Int64),
        maxIdlePerUpstream: Int = 64, idleTimeout: TimeAmount = .seconds(30 as Int64),
        limits: HTTPDecoderLimits = HTTPDecoderLimits(maxBodySize: 64 << 20)
    ) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.maxIdlePerUpstream = maxIdlePerUpstream
        self.idleTimeout = idleTimeout
        self.limits = limits
    }
}
