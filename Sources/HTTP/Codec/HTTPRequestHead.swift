/// The start line and header fields of a request.
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method.
    public var method: HTTPMethod
    /// The request target as received: usually origin-form (`/path?query`), `*` for `OPTIONS *`, absolute-form
    /// for proxies, authority-form for CONNECT.
    public var target: String
    /// The protocol version.
    public var version: HTTPVersion
    /// The header fields.
    public var headers: HTTPHeaders

    /// A request head; `headers` should hold `Host` for HTTP/1.1.
    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:]) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The target up to the first `?` (the whole target when there is no query). Not percent-decoded.
    public var path: Substring {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<mark]
    }

    /// The target after the first `?`, or nil when there is none. Not percent-decoded.
    public var query: Substring? {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return target[target.utf8.index(after: mark)...]
    }

    /// Whether the connection stays open after this exchange (RFC 9112 section 9.3): HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var isKeepAlive: Bool {
        if version.isAtLeastHTTP11 { return !headers.containsToken("close", inFieldsNamedLowercase: "connection") }
        return headers.containsToken("keep-alive", inFieldsNamedLowercase: "connection")
            && !headers.containsToken("close", inFieldsNamedLowercase: "connection")
    }

    /// Whether the client waits for `100 Continue` before sending the body (`Expect: 100-continue` on
    /// HTTP/1.1; RFC 9110 section 10.1.1 tells servers to ignore it on HTTP/1.0).
    public var expectsContinue: Bool {
        version.isAtLeastHTTP11 && headers.containsToken("100-continue", inFieldsNamedLowercase: "expect")
    }
}
