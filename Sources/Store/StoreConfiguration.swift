/// The store's settings: redis.conf's names and defaults for the subset we implement.
///
/// Built by `StoreConfigurationParser` (defaults, then the environment, then the config file, then
/// `--name value` arguments), then changed at run time only by CONFIG SET on the keyspace's thread.
public struct StoreConfiguration: Sendable, Equatable {
    /// TCP port for clients (0: any free port).
    public var port = 6379
    /// IPv4 loopback address to bind.
    public var bind = "127.0.0.1"
    /// The default user's password; empty means none. Never logged.
    public var requirePass = ""
    /// Most simultaneous clients; one more is refused with `-ERR max number of clients reached`.
    public var maxClients = 10000
    /// Memory limit in bytes (0: none): above it, commands that may grow memory evict keys or are refused,
    /// per `maxMemoryPolicy`.
    public var maxMemory = 0
    /// What to do above maxmemory.
    public var maxMemoryPolicy = MaxMemoryPolicy.noEviction
    /// How much unsent output each class of client may hold (client-output-buffer-limit).
    public var outputBufferLimits = OutputBufferLimits()
    /// Keys sampled per eviction (maxmemory-samples).
    public var maxMemorySamples = 5
    /// RDB save rules as written (`3600 1 300 100 60 10000`: after 3600 s if 1 change, ...); empty: none.
    public var save = "3600 1 300 100 60 10000"
    /// Whether the append-only file is on.
    public var appendOnly = false
    /// When the AOF is fsynced: after every write batch, once a second, or when the kernel likes.
    public var appendFsync = AppendFsyncPolicy.everySecond
    /// The AOF's file name, in `dir`.
    public var appendFilename = "appendonly.aof"
    /// The snapshot's file name, in `dir`.
    public var dbFilename = "dump.rdb"
    /// Rewrite the AOF when it grew by this percentage over its size after the last rewrite (0: never).
    public var autoAOFRewritePercentage = 100
    /// ... and only once it is at least this big.
    public var autoAOFRewriteMinSize = 64 << 20
    /// Load a truncated AOF up to its last whole command (yes) or refuse to start (no).
    public var aofLoadTruncated = true
    /// LZF-compress long strings in snapshots.
    public var rdbCompression = true
    /// Write (and check) the CRC64 trailer of snapshots.
    public var rdbChecksum = true
    /// Most bytes a client's unparsed input may hold before it is disconnected (client-query-buffer-limit).
    public var queryBufferLimit = 1 << 30
    /// Longest bulk argument accepted (proto-max-bulk-len).
    public var protoMaxBulkLength = 512 << 20
    /// How often the active expiry cycle runs per second (hz).
    public var hz = 10
    /// HTTP port for `/metrics` (0: any free port; -1: no endpoint). Defaults to `port + 10000`.
    public var metricsPort: Int?
    /// Minimum log level: debug, verbose/notice (info), warning.
    public var logLevel = "notice"
    /// Directory for persistence files (later slices).
    public var dir = "."

    /// The master to replicate at start (`replicaof <host> <port>`); nil: start as a master.
    public var replicaOf: MasterAddress?
    /// The password to give the master (masterauth); empty: the store's own `requirepass`, since the
    /// instances of one stack share it.
    public var masterAuth = ""
    /// Bytes of recent stream kept for partial resyncs (repl-backlog-size).
    public var replBacklogSize = 1 << 20
    /// Refuse writes unless this many replicas are connected and recent (0: off).
    public var minReplicasToWrite = 0
    /// ... where recent means an acknowledgement within this many seconds.
    public var minReplicasMaxLag = 10
    /// Failover preference: lower is preferred, 0 never promoted (replica-priority).
    public var replicaPriority = 100
    /// Seconds without anything from the other side before a replication link is dropped.
    public var replTimeout = 60
    /// Seconds a shutting-down master waits for its replicas to acknowledge everything (shutdown-timeout).
    public var shutdownTimeout = 10
    /// Seconds between PINGs the master sends down an idle stream.
    public var replPingReplicaPeriod = 10

    /// The snapshot's path.
    public var snapshotPath: String { dir + "/" + dbFilename }
    /// The AOF's path.
    public var appendOnlyPath: String { dir + "/" + appendFilename }

    /// Settings with redis-server's defaults.
    public init() {}

    /// The metrics port after defaults: `metrics-port` when set, else `port + 10000` (0 when port is 0).
    public var effectiveMetricsPort: Int {
        if let metricsPort { return metricsPort }
        if port == 0 { return 0 }
        return port + 10000 <= 65535 ? port + 10000 : 0
    }
}

/// redis.conf's `appendfsync`.
public enum AppendFsyncPolicy: String, Sendable, Equatable {
    /// fsync after every batch of writes, before their replies are sent: no acknowledged write is lost.
    case always
    /// fsync once a second from a background thread: at most about a second of writes is lost.
    case everySecond = "everysec"
    /// Never fsync; the kernel flushes when it likes.
    case no
}

/// Where a replica's master is.
public struct MasterAddress: Sendable, Equatable, CustomStringConvertible {
    /// An IPv4 loopback address.
    public var host: String
    /// Its client port.
    public var port: Int

    /// The address `host:port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

/// redis.conf's `maxmemory-policy`, the subset implemented.
public enum MaxMemoryPolicy: String, Sendable, Equatable, CaseIterable {
    /// Refuse commands that may grow memory with -OOM.
    case noEviction = "noeviction"
    /// Evict the least recently used keys (sampled), any key.
    case allKeysLRU = "allkeys-lru"
    /// Evict random keys.
    case allKeysRandom = "allkeys-random"
}
