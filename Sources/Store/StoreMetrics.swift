import Metrics

/// The store's Prometheus families, named as redis_exporter names them, refreshed from
/// `StoreStatistics` at every scrape (any thread: the statistics are atomics).
public enum StoreMetrics {
    /// Registers the families and the collector that fills them, plus the process metrics.
    public static func register(_ statistics: StoreStatistics, in registry: MetricsRegistry) {
        let up = registry.gauge(name: "redis_up", help: "Information about the Redis instance")
        let clients = registry.gauge(name: "redis_connected_clients", help: "connected_clients metric")
        let commands = registry.counter(name: "redis_commands_processed_total", help: "commands_processed_total metric")
        let connections = registry.counter(
            name: "redis_connections_received_total", help: "connections_received_total metric")
        let rejected = registry.counter(
            name: "redis_rejected_connections_total", help: "rejected_connections_total metric")
        let hits = registry.counter(name: "redis_keyspace_hits_total", help: "keyspace_hits_total metric")
        let misses = registry.counter(name: "redis_keyspace_misses_total", help: "keyspace_misses_total metric")
        let expired = registry.counter(name: "redis_expired_keys_total", help: "expired_keys_total metric")
        let keys = registry.gauge(name: "redis_db_keys", help: "Total number of keys by DB", labelNames: ["db"])
        let expiring = registry.gauge(
            name: "redis_db_keys_expiring", help: "Total number of expiring keys by DB", labelNames: ["db"])
        let memory = registry.gauge(name: "redis_memory_used_bytes", help: "memory_used_bytes metric")
        up.set(1)
        registry.addCollector {
            clients.set(Double(statistics.connectedClients.load(ordering: .relaxed)))
            commands.mirror(statistics.commandsProcessed.load(ordering: .relaxed))
            connections.mirror(statistics.connectionsReceived.load(ordering: .relaxed))
            rejected.mirror(statistics.rejectedConnections.load(ordering: .relaxed))
            hits.mirror(statistics.keyspaceHits.load(ordering: .relaxed))
            misses.mirror(statistics.keyspaceMisses.load(ordering: .relaxed))
            expired.mirror(statistics.expiredKeys.load(ordering: .relaxed))
            keys.labels("db0").set(Double(statistics.keys.load(ordering: .relaxed)))
            expiring.labels("db0").set(Double(statistics.expires.load(ordering: .relaxed)))
            memory.set(Double(CommandExecutor.usedMemory()))
        }
        ProcessMetrics.register(in: registry)
    }
}

extension Counter {
    /// Sets the counter to an external monotonic total (only ever grows between resets).
    fileprivate func mirror(_ total: Int) {
        let delta = Double(total) - value
        if delta > 0 { increment(by: delta) }
    }
}
