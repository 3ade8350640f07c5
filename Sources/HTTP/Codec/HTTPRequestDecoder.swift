import Core

/// Decodes HTTP/1.1 requests from a connection's bytes into parts: `.head`, `.body` chunks, `.end`, repeated
/// for each pipelined request.
///
/// A value-type state machine with no I/O. Feed it the connection's read buffer: between calls the caller
/// only appends to that buffer (the decoder consumes from the front and remembers how far it scanned).
/// One part per call; leftover bytes (the next pipelined request) stay in the buffer. Bodies are streamed:
/// a part is handed out as soon as some body bytes arrive, so a large body never sits in memory whole.
///
/// Framing (RFC 9112 section 6): `Transfer-Encoding: chunked` (extensions and trailers skipped),
/// `Content-Length`, or no body. The ambiguous cases smuggling relies on are errors: both headers at once,
/// differing lengths, `chunked` not last, Transfer-Encoding on HTTP/1.0, bare LF line endings.
public struct HTTPRequestDecoder: Sendable {
    private enum State {
        case head
        case body(HTTPBodyDecoder)
        case failed(HTTPParserError)
    }

    /// The limits in force.
    public let limits: HTTPDecoderLimits
    private var state: State = .head
    private var parser: HTTPHeadParser<HTTPRequestLine>

    /// A decoder waiting for the first request.
    public init(limits: HTTPDecoderLimits = .default) {
        self.limits = limits
        self.parser = HTTPHeadParser(limits: limits)
    }

    /// Whether the decoder is between requests with no byte of the next one seen: a close now is clean.
    public var isIdle: Bool {
        if case .head = state { return parser.isIdle }
        return false
    }

    /// The next part of the request, or nil when more bytes are needed (nothing needed later is consumed).
    ///
    /// - Throws: `HTTPParserError` on a protocol violation; answer with its `status` and close. The decoder is
    ///   then stuck: later calls rethrow the same error.
    public mutating func decode(_ buffer: inout ByteBuffer) throws -> HTTPRequestPart? {
        switch state {
        case .head:
            do {
                guard let headLength = try parser.parse(buffer) else { return nil }
                let head = try makeHead(buffer, headLength: headLength)
                buffer.moveReaderIndex(forwardBy: headLength)
                return .head(head)
            } catch let error as HTTPParserError {
                state = .failed(error)
                throw error
            }
        case .body(var body):
            do {
                let event = try body.decode(&buffer)
                switch event {
                case .body(let chunk):
                    state = .body(body)
                    return .body(chunk)
                case .end:
                    state = .head
                    return .end
                case nil:
                    state = .body(body)
                    return nil
                }
            } catch let error as HTTPParserError {
                state = .failed(error)
                throw error
            }
        case .failed(let error):
            throw error
        }
    }

    /// Right after `.head`: when that request has no body, consumes its `.end` (as `decode` would have returned
    /// next) and returns true; otherwise changes nothing and returns false.
    ///
    /// A server answers most requests straight from the head; asking here costs one access to the decoder
    /// instead of a second trip through `decode` and the body decoder.
    public mutating func skipEndIfBodiless() -> Bool {
        guard case .body(let body) = state, case .done = body.state else { return false }
        state = .head
        return true
    }

    /// Right after `.head`: how that request's body is delimited (`.none` when it has none). A proxy relays
    /// the body with the same framing without looking the headers up again.
    public var currentBodyFraming: HTTPBodyFraming {
        guard case .body(let body) = state else { return .none }
        return body.framing
    }

    /// Like `decode`, for when the peer has closed: nil if the close fell between requests, otherwise the
    /// remaining parts, then a `.truncatedMessage` error if the request was cut short.
    public mutating func decodeAtEOF(_ buffer: inout ByteBuffer) throws -> HTTPRequestPart? {
        if let part = try decode(&buffer) { return part }
        if isIdle && buffer.readableBytes == parser.lineStart { return nil }
        let error = HTTPParserError(.truncatedMessage)
        state = .failed(error)
        throw error
    }

    /// Builds the head and picks the body framing once the whole head is parsed.
    private mutating func makeHead(_ buffer: ByteBuffer, headLength: Int) throws -> HTTPRequestHead {
        let line = parser.startLine!
        let framing = parser.framing
        let isHTTP11 = line.version.isAtLeastHTTP11
        // RFC 9112 section 3.2: exactly one Host on HTTP/1.1; never more than one.
        if framing.hostCount == 0 && isHTTP11 { throw HTTPParserError(.missingHost) }
        if framing.hostCount > 1 { throw HTTPParserError(.multipleHosts) }

        let bodyState: HTTPBodyDecoder.State
        if framing.hasTransferEncoding {
            // RFC 9112 section 6.1 and 6.3: each of these makes the length undeterminable or ambiguous.
            if framing.contentLength != nil { throw HTTPParserError(.contentLengthWithTransferEncoding) }
            if !isHTTP11 { throw HTTPParserError(.transferEncodingInHTTP10) }
            if !framing.isChunkedLast || framing.hasMisplacedChunked {
                throw HTTPParserError(.invalidTransferEncoding)
            }
            if framing.hasOtherCoding { throw HTTPParserError(.unsupportedTransferEncoding) }
            bodyState = .chunkSize(searchFrom: 0)
        } else if let length = framing.contentLength, length > 0 {
            guard length <= limits.maxBodySize else { throw HTTPParserError(.bodyTooLarge) }
            bodyState = .fixed(remaining: length)
        } else {
            bodyState = .done
        }

        let headers = parser.takeHeaders(buffer, headLength: headLength)
        parser.reset()
        state = .body(HTTPBodyDecoder(bodyState, limits: limits, isRequest: true))
        return HTTPRequestHead(method: line.method, target: line.target, version: line.version, headers: headers)
    }
}
