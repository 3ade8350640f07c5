/// How the body after an encoded head is delimited; the encoders add the matching header.
public enum HTTPBodyFraming: Sendable, Hashable {
    /// No body follows, and no framing header is added (a request without a body; a response to HEAD, or a
    /// 1xx/204/304, where the caller sets any Content-Length itself).
    case none
    /// Exactly this many bytes follow: adds `Content-Length`.
    case length(Int)
    /// The body follows as chunks (`writeChunk`, then `writeLastChunk`): adds `Transfer-Encoding: chunked`.
    /// HTTP/1.1 only; an HTTP/1.0 peer needs `.length`, or a raw body ended by closing the connection.
    case chunked
}
