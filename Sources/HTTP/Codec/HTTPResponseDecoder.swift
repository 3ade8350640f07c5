import Core

/// Decodes HTTP/1.1 responses for the client into parts: `.head`, `.body` chunks, `.end`.
///
/// Whether a response has a body depends on the request (a response to HEAD never does), so the client
/// calls `expectResponse(to:)` for each request it sends, in order; pipelined requests queue up. A response
/// that arrives with none queued is taken as an answer to a GET (a server may send 408 unprompted).
///
/// Framing (RFC 9112 section 6.3): none for HEAD, 1xx, 204 and 304; otherwise chunked, Content-Length, or
/// everything until the connection closes (`decodeAtEOF` then ends the body). Interim 1xx responses are
/// skipped, except `101 Switching Protocols`: its head and end are reported and the decoder then stops,
/// leaving the bytes that follow (no longer HTTP) in the buffer. Both Content-Length and Transfer-Encoding
/// is an error here too, though RFC 9112 lets a client prefer Transfer-Encoding: the balancer relays these
/// responses, and a strict reading is the safe one for an intermediary.
public struct HTTPResponseDecoder: Sendable {
    private enum State {
        case head
        case body(HTTPBodyDecoder, isUpgrade: Bool)
        case upgraded
        case failed(HTTPParserError)
    }

    /// The limits in force.
    public let limits: HTTPDecoderLimits
    private var state: State = .head
    private var parser: HTTPHeadParser<HTTPStatusLine>
    /// Methods of the requests sent and not yet answered, oldest first.
    private var pendingMethods: [HTTPMethod] = []
    private var pendingStart = 0

    /// A decoder; call `expectResponse(to:)` as each request is sent.
    public init(limits: HTTPDecoderLimits = .default) {
        self.limits = limits
        self.parser = HTTPHeadParser(limits: limits)
    }

    /// Records that a request with `method` was sent, so its response is framed accordingly.
    public mutating func expectResponse(to method: HTTPMethod) {
        if pendingStart == pendingMethods.count {
            pendingMethods.removeAll(keepingCapacity: true)
            pendingStart = 0
        }
        pendingMethods.append(method)
    }

    /// Right after `.head`: how that response's body is delimited (`.none` when it has none), and whether
    /// it runs until the connection closes (then `.chunked` is what a proxy should send on).
    public var currentBodyFraming: (framing: HTTPBodyFraming, untilClose: Bool) {
        guard case .body(let body, _) = state else { return (.none, false) }
        if body.isUntilClose { return (.chunked, true) }
        return (body.framing, false)
    }

    /// Whether a `101 Switching Protocols` has ended HTTP on this connection.
    public var isUpgraded: Bool {
        if case .upgraded = state { return true }
        return false
    }

    /// The next part of the response, or nil when more bytes are needed (or after an upgrade).
    ///
    /// - Throws: `HTTPParserError` (with `isRequest == false`) on a protocol violation; close the
    ///   connection. Later calls rethrow it.
    public mutating func decode(_ buffer: inout ByteBuffer) throws -> HTTPResponsePart? {
        do {
            return try decodeOrThrow(&buffer)
        } catch let error as HTTPParserError {
            state = .failed(error)
            throw error
        }
    }

    /// Like `decode`, for when the server has closed: ends a body delimited by the close; nil if the close
    /// fell between responses; a `.truncatedMessage` error if a response was cut short.
    public mutating func decodeAtEOF(_ buffer: inout ByteBuffer) throws -> HTTPResponsePart? {
        if let part = try decode(&buffer) { return part }
        switch state {
        case .body(let body, _) where body.isUntilClose:
            state = .head
            return .end
        case .head where parser.isIdle && buffer.isEmpty, .upgraded:
            return nil
        case .head, .body:
            let error = HTTPParserError(.truncatedMessage, isRequest: false)
            state = .failed(error)
            throw error
        case .failed(let error):
            throw error
        }
    }

    private mutating func decodeOrThrow(_ buffer: inout ByteBuffer) throws -> HTTPResponsePart? {
        switch state {
        case .head:
            while true {
                guard let headLength = try parser.parse(buffer) else { return nil }
                if let head = try makeHead(buffer, headLength: headLength) {
                    buffer.moveReaderIndex(forwardBy: headLength)
                    return .head(head)
                }
                // An interim response: drop it and look for the final one.
                buffer.moveReaderIndex(forwardBy: headLength)
                parser.reset()
            }
        case .body(var body, let isUpgrade):
            switch try body.decode(&buffer) {
            case .body(let chunk):
                state = .body(body, isUpgrade: isUpgrade)
                return .body(chunk)
            case .end:
                state = isUpgrade ? .upgraded : .head
                return .end
            case nil:
                state = .body(body, isUpgrade: isUpgrade)
                return nil
            }
        case .upgraded:
            return nil
        case .failed(let error):
            throw error
        }
    }

    /// The head of a final response with its body framing set up, or nil for an interim (1xx) response.
    private mutating func makeHead(_ buffer: ByteBuffer, headLength: Int) throws -> HTTPResponseHead? {
        let line = parser.startLine!
        let code = line.status.code
        if code < 200 && code != 101 { return nil }
        let framing = parser.framing
        let method: HTTPMethod
        if pendingStart < pendingMethods.count {
            method = pendingMethods[pendingStart]
            pendingStart += 1
        } else {
            method = .GET
        }

        let bodyState: HTTPBodyDecoder.State
        if method == .HEAD || code < 200 || code == 204 || code == 304 {
            bodyState = .done
        } else if framing.hasTransferEncoding {
            if framing.contentLength != nil { throw error(.contentLengthWithTransferEncoding) }
            if !line.version.isAtLeastHTTP11 { throw error(.transferEncodingInHTTP10) }
            if framing.hasMisplacedChunked { throw error(.invalidTransferEncoding) }
            // A response whose last coding is not chunked runs until close, but we could not undo its
            // codings anyway.
            if framing.hasOtherCoding { throw error(.unsupportedTransferEncoding) }
            bodyState = .chunkSize(searchFrom: 0)
        } else if let length = framing.contentLength {
            guard length <= limits.maxBodySize else { throw error(.bodyTooLarge) }
            bodyState = length == 0 ? .done : .fixed(remaining: length)
        } else {
            bodyState = .untilClose
        }

        let headers = parser.takeHeaders(buffer, headLength: headLength)
        parser.reset()
        state = .body(HTTPBodyDecoder(bodyState, limits: limits, isRequest: false), isUpgrade: code == 101)
        return HTTPResponseHead(version: line.version, status: line.status, reason: line.reason, headers: headers)
    }

    private func error(_ code: HTTPParserError.Code) -> HTTPParserError {
        HTTPParserError(code, isRequest: false)
    }
}
