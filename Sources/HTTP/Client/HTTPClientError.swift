import Reactor

/// Why an `HTTPClient` request failed: "unable to <verb> <object>: <reason>".
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        /// The connection could not be opened (refused, unreachable).
        case connectFailed
        /// The connect did not finish in time.
        case connectTimeout
        /// The response did not finish in time.
        case readTimeout
        /// The connection closed before the response was complete.
        case connectionClosed
        /// The response broke the protocol.
        case invalidResponse
    }

    public var code: Code
    public var message: String
    /// The I/O error underneath, if any.
    public var underlying: IOError?

    public init(_ code: Code, _ message: String, underlying: IOError? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }

    /// Whether nothing of the request can have reached the upstream's application (safe to retry anywhere).
    public var isConnectFailure: Bool { code == .connectFailed || code == .connectTimeout }
}
