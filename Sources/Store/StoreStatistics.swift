import Synchronization

/// Figures the metrics endpoint and INFO read from other threads, published by the keyspace's thread
/// after every batch (relaxed atomics: each figure is independent and only needs to be recent).
public final class StoreStatistics: Sendable {
    /// Open client connections.
    public let connectedClients = Atomic<Int>(0)
    /// Commands executed since start.
    public let commandsProcessed = Atomic<Int>(0)
    /// Connections accepted since start.
    public let connectionsReceived = Atomic<Int>(0)
    /// Connections refused by maxclients.
    public let rejectedConnections = Atomic<Int>(0)
    /// Read lookups that found a key.
    public let keyspaceHits = Atomic<Int>(0)
    /// Read lookups that found nothing.
    public let keyspaceMisses = Atomic<Int>(0)
    /// Keys in db0.
    public let keys = Atomic<Int>(0)
    /// Keys with a time to live in db0.
    public let expires = Atomic<Int>(0)
    /// Keys removed by expiry.
    public let expiredKeys = Atomic<Int>(0)

    /// The slower-moving figures, published `hz` times a second by the keyspace's thread.
    public let details = Mutex(Details())

    /// Figures that change less often than per command, copied out together.
    public struct Details: Sendable {
        /// Calls per command name, for the commands called at least once.
        public var commandCalls: [(String, Int)] = []
        /// "master" or "slave".
        public var role = "master"
        /// Attached replicas.
        public var connectedReplicas = 0
        /// On a replica, whether the link to the master is up.
        public var isMasterLinkUp = false
        /// The replication stream offset.
        public var replicationOffset = 0
        /// When the last snapshot was written, Unix seconds.
        public var lastSaveTime: Int64 = 0
        /// Changes since the last snapshot.
        public var changesSinceLastSave = 0
        /// Whether the AOF is on.
        public var isAppendOnlyEnabled = false
        /// Whether the last BGSAVE succeeded.
        public var isLastSnapshotOK = true
        /// Clients blocked in BLPOP/BRPOP/WAIT.
        public var blockedClients = 0
        /// Channels with subscribers.
        public var pubSubChannels = 0
        /// Keys evicted by maxmemory.
        public var evictedKeys = 0
        /// Bytes of heap in use.
        public var usedMemory = 0
        /// The maxmemory setting (0: none).
        public var maxMemory = 0

        public init() {}
    }

    /// Zeroed statistics.
    public init() {}
}
