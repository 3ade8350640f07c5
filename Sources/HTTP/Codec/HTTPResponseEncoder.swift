import Core

/// Encodes responses into a connection's write buffer: a head (with automatic framing), body chunks, or a
/// whole response in one call. Stateless and without I/O.
public struct HTTPResponseEncoder: Sendable {
    /// An encoder.
    public init() {}

    /// Appends the status line, the headers, the framing header for `body` and the empty line.
    ///
    /// Content-Length or Transfer-Encoding already in `head.headers` is left as is and nothing is added.
    /// No framing header is ever added to 1xx and 204 responses (RFC 9110 section 8.6 forbids it).
    public func writeHead(_ head: HTTPResponseHead, body: HTTPBodyFraming, into buffer: inout ByteBuffer) {
        writeStatusLine(head, into: &buffer)
        buffer.writeFields(head.headers)
        let code = head.status.code
        buffer.writeFramingAndEnd(code < 200 || code == 204 ? .none : body, headers: head.headers)
    }

    /// Appends one chunk of a chunked body (nothing for an empty chunk, which would end the body).
    public func writeChunk(_ chunk: ByteBuffer, into buffer: inout ByteBuffer) {
        buffer.writeHTTPChunk(chunk)
    }

    /// Appends the end of a chunked body, with optional trailer fields.
    public func writeLastChunk(trailers: HTTPHeaders = [:], into buffer: inout ByteBuffer) {
        buffer.writeHTTPLastChunk(trailers: trailers)
    }

    /// Appends a complete response: head with `Content-Length` (when `body` is given), then the body. The fast
    /// path for the common case of a response known in full.
    public func writeResponse(_ head: HTTPResponseHead, body: ByteBuffer?, into buffer: inout ByteBuffer) {
        let length = body?.readableBytes ?? 0
        buffer.reserveWritable(64 + head.headers.bytes.count + 4 * head.headers.count + length)
        writeHead(head, body: body == nil ? .none : .length(length), into: &buffer)
        if let body { buffer.writeBuffer(body) }
    }

    /// The status line, pre-rendered for HTTP/1.1 with the standard phrase of the common codes.
    func writeStatusLine(_ head: HTTPResponseHead, into buffer: inout ByteBuffer) {
        if head.version == .http1_1, let line = Self.renderedStatusLine(head.status.code),
            head.reason == head.status.reasonPhrase
        {
            buffer.writeStatic(line)
            return
        }
        buffer.writeVersion(head.version)
        buffer.writeByte(ASCII.space)
        // Three digits on the wire, whatever the caller put in.
        let code = min(max(head.status.code, 100), 999)
        buffer.writeDecimal(code)
        buffer.writeByte(ASCII.space)
        // A reason with a line break would split the response; drop such characters rather than trap.
        var reason = head.reason
        reason.withUTF8 { bytes in
            if bytes.allSatisfy(ASCII.isFieldValueCharacter) {
                buffer.writeBytes(UnsafeRawBufferPointer(bytes))
            } else {
                for byte in bytes where ASCII.isFieldValueCharacter(byte) { buffer.writeByte(byte) }
            }
        }
        buffer.writeStatic("\r\n")
    }

    /// `HTTP/1.1 <code> <phrase>\r\n` for the codes servers send all the time.
    private static func renderedStatusLine(_ code: Int) -> StaticString? {
        switch code {
        case 100: "HTTP/1.1 100 Continue\r\n"
        case 101: "HTTP/1.1 101 Switching Protocols\r\n"
        case 200: "HTTP/1.1 200 OK\r\n"
        case 201: "HTTP/1.1 201 Created\r\n"
        case 202: "HTTP/1.1 202 Accepted\r\n"
        case 204: "HTTP/1.1 204 No Content\r\n"
        case 301: "HTTP/1.1 301 Moved Permanently\r\n"
        case 302: "HTTP/1.1 302 Found\r\n"
        case 303: "HTTP/1.1 303 See Other\r\n"
        case 304: "HTTP/1.1 304 Not Modified\r\n"
        case 307: "HTTP/1.1 307 Temporary Redirect\r\n"
        case 308: "HTTP/1.1 308 Permanent Redirect\r\n"
        case 400: "HTTP/1.1 400 Bad Request\r\n"
        case 401: "HTTP/1.1 401 Unauthorized\r\n"
        case 403: "HTTP/1.1 403 Forbidden\r\n"
        case 404: "HTTP/1.1 404 Not Found\r\n"
        case 405: "HTTP/1.1 405 Method Not Allowed\r\n"
        case 408: "HTTP/1.1 408 Request Timeout\r\n"
        case 413: "HTTP/1.1 413 Content Too Large\r\n"
        case 414: "HTTP/1.1 414 URI Too Long\r\n"
        case 429: "HTTP/1.1 429 Too Many Requests\r\n"
        case 431: "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        case 500: "HTTP/1.1 500 Internal Server Error\r\n"
        case 501: "HTTP/1.1 501 Not Implemented\r\n"
        case 502: "HTTP/1.1 502 Bad Gateway\r\n"
        case 503: "HTTP/1.1 503 Service Unavailable\r\n"
        case 504: "HTTP/1.1 504 Gateway Timeout\r\n"
        case 505: "HTTP/1.1 505 HTTP Version Not Supported\r\n"
        default: nil
        }
    }
}
