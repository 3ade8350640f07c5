/// The status line and header fields of a response.
public struct HTTPResponseHead: Sendable, Equatable {
    /// The protocol version.
    public var version: HTTPVersion
    /// The status.
    public var status: HTTPResponseStatus
    /// The reason phrase on the status line; the standard phrase unless set otherwise.
    public var reason: String
    /// The header fields.
    public var headers: HTTPHeaders

    /// A response head; `reason` defaults to the status's standard phrase.
    public init(
        version: HTTPVersion = .http1_1, status: HTTPResponseStatus, reason: String? = nil,
        headers: HTTPHeaders = [:]
    ) {
        self.version = version
        self.status = status
        self.reason = reason ?? status.reasonPhrase
        self.headers = headers
    }

    /// Whether the connection stays open after this response, by the same rules as `HTTPRequestHead`.
    /// (A body delimited by the connection closing also ends it; the decoder knows that, not the head.)
    public var isKeepAlive: Bool {
        if version.isAtLeastHTTP11 { return !headers.containsToken("close", inFieldsNamedLowercase: "connection") }
        return headers.containsToken("keep-alive", inFieldsNamedLowercase: "connection")
            && !headers.containsToken("close", inFieldsNamedLowercase: "connection")
    }
}
