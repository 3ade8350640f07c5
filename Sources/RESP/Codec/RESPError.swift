/// The one error type of the RESP module: a protocol violation or an exceeded limit.
///
/// `reason` is Redis's own wording where Redis has one (`invalid bulk length`, `expected '$', got 'X'`), so
/// a server replies `replyMessage` (`ERR Protocol error: <reason>`) and closes the connection, exactly as
/// redis-server does. Codec errors have no underlying cause: they are about the bytes alone.
public struct RESPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem the input has.
    public enum Code: Sendable, Hashable {
        /// The bytes are not RESP (bad type byte, bad number, missing CRLF, unbalanced quotes).
        case malformedInput
        /// The bytes are RESP but exceed a `RESPLimits` bound (length, count, depth, line length).
        case limitExceeded
    }

    /// What kind of problem the input has.
    public var code: Code
    /// The problem in Redis's words, without the `Protocol error: ` prefix.
    public var reason: String

    /// An error with `code` and `reason`.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The error reply redis-server sends before closing: `ERR Protocol error: <reason>`.
    public var replyMessage: String { "ERR Protocol error: \(reason)" }

    /// "unable to decode RESP: <reason>", for logs.
    public var description: String { "unable to decode RESP: \(reason)" }
}
