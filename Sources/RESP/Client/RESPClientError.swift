import Reactor

/// Why a RESP client call failed: "unable to <verb> <object>: <reason>".
public struct RESPClientError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        /// Connecting (or the handshake: AUTH, HELLO) failed.
        case connectFailed
        /// The reply did not arrive in time.
        case timeout
        /// The connection closed with replies outstanding.
        case connectionClosed
        /// The server broke the protocol.
        case protocolError
        /// The server replied with an error (`-ERR ...`): `message` holds it.
        case serverError
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
