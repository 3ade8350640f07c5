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

    /// Zeroed statistics.
    public init() {}
}
