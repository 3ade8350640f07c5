import Core

/// One part of a decoded response, in order: a head, zero or more body chunks, an end.
public enum HTTPResponsePart: Sendable, Equatable {
    /// The status line and headers of a final (non-1xx, or 101) response.
    case head(HTTPResponseHead)
    /// Some body bytes, as they arrived (never empty).
    case body(ByteBuffer)
    /// The response is complete.
    case end
}
