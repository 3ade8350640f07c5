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

    /// Commands queued since MULTI; nil outside a transaction.
    public var queuedCommands: [RESPCommand]?
    /// Set when a command was refused while queueing: EXEC then answers EXECABORT.
    public var isTransactionAborted = false
    /// The keys this client WATCHes (a handful at most, so an array).
    public var watchedKeys: [StoreKey] = []
    /// Set when a watched key was written: EXEC then answers a null array.
    public var isWatchInvalidated = false

    /// Whether the client is between MULTI and EXEC/DISCARD.
    public var isInTransaction: Bool { queuedCommands != nil }

    /// A session for a new connection; `isAuthenticated` is true when no password is configured.
    public init(id: Int, peer: String = "", isAuthenticated: Bool) {
        self.id = id
        self.peer = peer
        self.isAuthenticated = isAuthenticated
    }
}
