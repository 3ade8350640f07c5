/// A protocol violation found by a decoder, with the status a server should answer before closing.
///
/// After a decoder throws, the connection's framing is lost: answer (a server sends `status` with
/// `Connection: close`) and close; calling `decode` again rethrows the same error.
public struct HTTPParserError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, precisely enough for tests and metrics.
    public enum Code: String, Sendable, Hashable {
        case invalidRequestLine = "invalid request line"
        case invalidMethod = "invalid character in method"
        case invalidTarget = "invalid request target"
        case invalidVersion = "invalid HTTP version"
        case unsupportedVersion = "unsupported HTTP version"
        case invalidStatusLine = "invalid status line"
        case startLineTooLong = "start line too long"
        case bareLineFeed = "line ends with LF without CR"
        case invalidHeaderName = "invalid character in header name"
        case whitespaceBeforeColon = "whitespace between header name and colon"
        case obsoleteLineFolding = "obsolete line folding in header"
        case invalidHeaderValue = "control character in header value"
        case headersTooLarge = "header section too large"
        case tooManyHeaders = "too many header fields"
        case missingHost = "missing Host header"
        case multipleHosts = "more than one Host header"
        case invalidContentLength = "invalid Content-Length"
        case conflictingContentLength = "conflicting Content-Length values"
        case contentLengthWithTransferEncoding = "both Content-Length and Transfer-Encoding"
        case invalidTransferEncoding = "chunked is not the final transfer coding"
        case unsupportedTransferEncoding = "unsupported transfer coding"
        case transferEncodingInHTTP10 = "Transfer-Encoding in an HTTP/1.0 message"
        case invalidChunkSize = "invalid chunk size"
        case chunkLineTooLong = "chunk size line too long"
        case invalidChunkTerminator = "chunk data not followed by CRLF"
        case bodyTooLarge = "body too large"
        case truncatedMessage = "connection closed before the message ended"
    }

    /// What was wrong.
    public var code: Code
    /// Whether a request (the server's decoder) or a response (the client's) was being decoded.
    public var isRequest: Bool

    /// An error with `code`, raised while decoding a request or a response.
    public init(_ code: Code, isRequest: Bool = true) {
        self.code = code
        self.isRequest = isRequest
    }

    /// The status to answer with. For a request: 413, 414, 431, 501 or 505 where they apply, otherwise 400.
    /// For a response (a proxy relaying it): always 502 Bad Gateway.
    public var status: HTTPResponseStatus {
        guard isRequest else { return .badGateway }
        switch code {
        case .startLineTooLong: return .uriTooLong
        case .headersTooLarge, .tooManyHeaders: return .requestHeaderFieldsTooLarge
        case .bodyTooLarge: return .contentTooLarge
        case .unsupportedTransferEncoding: return .notImplemented
        case .unsupportedVersion: return .httpVersionNotSupported
        case .invalidRequestLine, .invalidMethod, .invalidTarget, .invalidVersion, .invalidStatusLine,
            .bareLineFeed, .invalidHeaderName, .whitespaceBeforeColon, .obsoleteLineFolding, .invalidHeaderValue,
            .missingHost, .multipleHosts, .invalidContentLength, .conflictingContentLength,
            .contentLengthWithTransferEncoding, .invalidTransferEncoding, .transferEncodingInHTTP10,
            .invalidChunkSize, .chunkLineTooLong, .invalidChunkTerminator, .truncatedMessage:
            return .badRequest
        }
    }

    /// "unable to parse request: <reason>".
    public var message: String { "unable to parse \(isRequest ? "request" : "response"): \(code.rawValue)" }

    /// The message.
    public var description: String { message }
}
