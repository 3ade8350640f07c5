/// How an attempt to forward a request to an upstream went wrong, as far as retrying cares.
public enum UpstreamFailure: Sendable, Equatable {
    /// The connection was refused or failed: nothing was sent.
    case connectFailed
    /// The connection did not complete in time: nothing was sent.
    case connectTimedOut
    /// The upstream closed or reset the connection after the request was (partly) sent, before any
    /// response bytes: it may have acted on the request.
    case resetBeforeResponse
    /// No response within `timeouts.upstream_read` after the request was sent: it may have acted on it.
    case readTimedOut
    /// The upstream answered with this status; only 502, 503 and 504 are worth another upstream.
    case status(Int)
}
