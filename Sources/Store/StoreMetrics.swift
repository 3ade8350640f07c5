import Metrics
import Synchronization

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
        let maxMemory = registry.gauge(name: "redis_memory_max_bytes", help: "memory_max_bytes metric")
        let calls = registry.counter(
            name: "redis_commands_total", help: "Total number of calls per command", labelNames: ["cmd"])
        let info = registry.gauge(
            name: "redis_instance_info", help: "Information about the Redis instance",
            labelNames: ["role", "redis_version"])
        let replicas = registry.gauge(name: "redis_connected_slaves", help: "connected_slaves metric")
        let linkUp = registry.gauge(name: "redis_master_link_up", help: "master_link_up metric")
        let offset = registry.gauge(name: "redis_master_repl_offset", help: "master_repl_offset metric")
        let lastSave = registry.gauge(
            name: "redis_rdb_last_save_timestamp_seconds", help: "rdb_last_save_timestamp_seconds metric")
        let changes = registry.gauge(
            name: "redis_rdb_changes_since_last_save", help: "rdb_changes_since_last_save metric")
        let lastBgsave = registry.gauge(name: "redis_rdb_last_bgsave_status", help: "rdb_last_bgsave_status metric")
        let aof = registry.gauge(name: "redis_aof_enabled", help: "aof_enabled metric")
        let blocked = registry.gauge(name: "redis_blocked_clients", help: "blocked_clients metric")
        let channels = registry.gauge(name: "redis_pubsub_channels", help: "pubsub_channels metric")
        let evicted = registry.counter(name: "redis_evicted_keys_total", help: "evicted_keys_total metric")
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
            let details = statistics.details.withLock { $0 }
            memory.set(Double(details.usedMemory))
            maxMemory.set(Double(details.maxMemory))
            for (name, count) in details.commandCalls { calls.labels(name).mirror(count) }
            info.labels(details.role == "master" ? "master" : "slave", CommandExecutor.redisVersion).set(1)
            info.labels(details.role == "master" ? "slave" : "master", CommandExecutor.redisVersion).set(0)
            replicas.set(Double(details.connectedReplicas))
            linkUp.set(details.isMasterLinkUp ? 1 : 0)
            offset.set(Double(details.replicationOffset))
            lastSave.set(Double(details.lastSaveTime))
            changes.set(Double(details.changesSinceLastSave))
            lastBgsave.set(details.isLastSnapshotOK ? 1 : 0)
            aof.set(details.isAppendOnlyEnabled ? 1 : 0)
            blocked.set(Double(details.blockedClients))
            channels.set(Double(details.pubSubChannels))
            evicted.mirror(details.evictedKeys)
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
