import RESP

/// What the server knows about one client connection: its id, name, protocol and authentication.
///
/// Confined to the keyspace's thread (the connection's loop).
public final class ClientSession {
    /// The connection's unique id (CLIENT ID), increasing from 1.
    public let id: Int
    /// The peer's address as `ip:port`, for CLIENT LIST and logs.
    public let peer: String
    /// CLIENT SETNAME's name; empty when none.
    public var name = ""
    /// RESP2 until HELLO 3.
    public var protocolVersion: RESPProtocolVersion = .resp2
    /// Whether the client may run commands that need authentication.
    public var isAuthenticated: Bool
    /// Set by QUIT: the connection closes once the reply is flushed.
    public var shouldClose = false
    /// The selected database (only 0 exists).
    public var database = 0

    /// A session for a new connection; `isAuthenticated` is true when no password is configured.
    public init(id: Int, peer: String = "", isAuthenticated: Bool) {
        self.id = id
        self.peer = peer
        self.isAuthenticated = isAuthenticated
    }
}
