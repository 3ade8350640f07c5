import Core

/// One part of a decoded request, in order: a head, zero or more body chunks, an end.
public enum HTTPRequestPart: Sendable, Equatable {
    /// The request line and headers.
    case head(HTTPRequestHead)
    /// Some body bytes, as they arrived (never empty); the body is streamed, never gathered.
    case body(ByteBuffer)
    /// The request is complete; the next part (if any) belongs to the next request.
    case end
}
