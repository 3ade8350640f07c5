import Core

/// Encodes requests for the client: a head (with automatic framing), body chunks, or a whole request in one
/// call. Stateless and without I/O. The caller supplies `Host` (HTTP/1.1 servers reject requests without it).
public struct HTTPRequestEncoder: Sendable {
    /// An encoder.
    public init() {}

    /// Appends the request line, the headers, the framing header for `body` and the empty line.
    /// Content-Length or Transfer-Encoding already in `head.headers` is left as is and nothing is added.
    ///
    /// - Precondition: `head.target` is not empty and contains no space or control character (it is program
    ///   text; an unchecked target from user input could split the request).
    public func writeHead(_ head: HTTPRequestHead, body: HTTPBodyFraming, into buffer: inout ByteBuffer) {
        var target = head.target
        target.withUTF8 { bytes in
            precondition(!bytes.isEmpty && bytes.allSatisfy { $0 > 0x20 && $0 != 0x7F }, "invalid request target")
        }
        buffer.writeString(head.method.rawValue)
        buffer.writeByte(ASCII.space)
        buffer.writeString(target)
        buffer.writeByte(ASCII.space)
        buffer.writeVersion(head.version)
        buffer.writeStatic("\r\n")
        buffer.writeFields(head.headers)
        buffer.writeFramingAndEnd(body, headers: head.headers)
    }

    /// Appends one chunk of a chunked body (nothing for an empty chunk, which would end the body).
    public func writeChunk(_ chunk: ByteBuffer, into buffer: inout ByteBuffer) {
        buffer.writeHTTPChunk(chunk)
    }

    /// Appends the end of a chunked body, with optional trailer fields.
    public func writeLastChunk(trailers: HTTPHeaders = [:], into buffer: inout ByteBuffer) {
        buffer.writeHTTPLastChunk(trailers: trailers)
    }

    /// Appends a complete request: the head with `Content-Length` when `body` is given, then the body.
    public func writeRequest(_ head: HTTPRequestHead, body: ByteBuffer?, into buffer: inout ByteBuffer) {
        let length = body?.readableBytes ?? 0
        writeHead(head, body: body == nil ? .none : .length(length), into: &buffer)
        if let body { buffer.writeBuffer(body) }
    }
}
