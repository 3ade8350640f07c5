import Core
import RESP

/// What the server knows about one client connection: its id, name, protocol and authentication.
///
/// Confined to the keyspace's thread (the connection's loop).
public final class ClientSession {
    /// The connection's unique id (CLIENT ID), increasing from 1.
    public let id: Int
    /// The peer's address as `ip:port`, for CLIENT LIST and logs.
    public let peer: String
    /// The address the client connected to, `ip:port` (CLIENT LIST's laddr).
    public let localAddress: String
    /// The socket's descriptor, for CLIENT LIST (-1 without a socket).
    public let fd: Int32
    /// When the connection was accepted, Unix milliseconds (CLIENT LIST's age).
    public let createdAt: Int64
    /// When the client last ran a command, Unix milliseconds (CLIENT LIST's idle).
    public var lastInteraction: Int64
    /// The last command's name, `container|subcommand` for CLIENT, CONFIG and the like ("NULL" before
    /// the first, as Redis shows it).
    public var lastCommand = "NULL"
    /// Closes the connection now (CLIENT KILL, SHUTDOWN); set by the server, nil without a socket.
    public var closeConnection: (() -> Void)?
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

    /// Writes bytes to the client's connection outside its own request (a pub/sub message, the reply of
    /// a blocked pop); set by the server, nil without a socket (tests set it to capture what is sent).
    public var deliver: ((ByteBuffer) -> Void)?
    /// Channels the client is subscribed to, in subscription order (see `PubSubRegistry`).
    public internal(set) var subscribedChannels: [StoreKey] = [] {
        didSet { isSubscribed = !subscribedChannels.isEmpty || !subscribedPatterns.isEmpty }
    }
    /// Patterns the client is subscribed to, in subscription order.
    public internal(set) var subscribedPatterns: [StoreKey] = [] {
        didSet { isSubscribed = !subscribedChannels.isEmpty || !subscribedPatterns.isEmpty }
    }

    /// Whether the client has a subscription: in RESP2 it may then run only the pub/sub commands. A
    /// stored flag, so the per-command check is one load.
    public private(set) var isSubscribed = false

    /// The keys a BLPOP or BRPOP of this client waits on, in its order; empty unless blocked.
    public internal(set) var blockedKeys: [StoreKey] = [] {
        didSet { isBlocked = !blockedKeys.isEmpty || replicaWait != nil }
    }
    /// What a WAIT of this client waits for; nil unless blocked in WAIT.
    var replicaWait: ReplicaWait? {
        didSet { isBlocked = !blockedKeys.isEmpty || replicaWait != nil }
    }
    /// Set on the session that applies the master's stream on a replica: its writes are allowed on a
    /// read-only replica and are not propagated again (the stream itself is).
    public internal(set) var isMaster = false
    /// Set on the session that replays the append-only file at startup: what it replays was accepted once
    /// already, so the write guards (replica read-only, min-replicas-to-write, maxmemory) do not apply.
    public internal(set) var isReplayingLog = false
    /// Set once the client is a replica of ours (after PSYNC): it gets the replication stream.
    public internal(set) var isReplica = false
    /// The port the replica serves clients on (REPLCONF listening-port).
    var replicaListeningPort = 0
    /// Since when the client's unsent output has been above its soft limit, Unix milliseconds; nil when not.
    var softOutputLimitSince: Int64?
    /// The address the replica announced (REPLCONF ip-address), nil when it did not.
    var replicaAnnouncedAddress: String?
    /// Whether the blocked pop takes from the head (BLPOP) or the tail (BRPOP).
    var blockedPopsAtHead = true
    /// When the blocked pop times out, Unix milliseconds; 0 waits for ever.
    var blockedDeadline: Int64 = 0
    /// Called once the client is no longer blocked (served, timed out), so the server runs the commands
    /// it pipelined behind the blocking one; set by the server, nil without a socket.
    public var didUnblock: (() -> Void)?

    /// Whether the client waits in a blocking command: its further commands wait too. A stored flag, so
    /// the per-command check is one load.
    public private(set) var isBlocked = false

    /// Whether the client is between MULTI and EXEC/DISCARD.
    public var isInTransaction: Bool { queuedCommands != nil }

    /// A session for a new connection; `isAuthenticated` is true when no password is configured.
    public init(
        id: Int, peer: String = "", localAddress: String = "", fd: Int32 = -1, createdAt: Int64 = 0,
        isAuthenticated: Bool
    ) {
        self.id = id
        self.peer = peer
        self.localAddress = localAddress
        self.fd = fd
        self.createdAt = createdAt
        self.lastInteraction = createdAt
        self.isAuthenticated = isAuthenticated
    }
}

/// A WAIT in progress: how many replicas must have acknowledged which offset, and until when.
struct ReplicaWait {
    /// The stream offset the client's writes reached.
    var offset: Int
    /// How many replicas must have acknowledged it.
    var count: Int
    /// When WAIT gives up and answers how many did, Unix milliseconds; 0 waits for ever.
    var deadline: Int64
}
