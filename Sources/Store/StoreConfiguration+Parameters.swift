/// CONFIG GET/SET and the config file share one parameter list, with redis.conf's names and spellings.
extension StoreConfiguration {
    /// Every parameter CONFIG GET reports, in redis.conf's names.
    public static let parameterNames = [
        "port", "bind", "requirepass", "maxclients", "maxmemory", "maxmemory-policy", "maxmemory-samples",
        "client-output-buffer-limit", "save",
        "appendonly",
        "appendfsync", "databases", "hz", "dir", "loglevel", "client-query-buffer-limit", "proto-max-bulk-len",
        "metrics-port", "timeout", "tcp-keepalive", "appendfilename", "dbfilename", "auto-aof-rewrite-percentage",
        "auto-aof-rewrite-min-size", "aof-load-truncated", "rdbcompression", "rdbchecksum", "replicaof", "masterauth",
        "repl-backlog-size", "min-replicas-to-write", "min-replicas-max-lag", "replica-priority", "repl-timeout",
        "repl-ping-replica-period", "replica-read-only", "shutdown-timeout",
    ]

    /// The value of `name` as CONFIG GET shows it; the password is masked so it never leaves the process
    /// through a reply (redis-server returns it in clear; nothing we know of reads it back).
    public func value(of name: String) -> String? {
        switch name {
        case "port": String(port)
        case "bind": bind
        case "requirepass": requirePass.isEmpty ? "" : "********"
        case "maxclients": String(maxClients)
        case "maxmemory": String(maxMemory)
        case "maxmemory-policy": maxMemoryPolicy.rawValue
        case "maxmemory-samples": String(maxMemorySamples)
        case "client-output-buffer-limit": outputBufferLimits.description
        case "save": save
        case "appendonly": appendOnly ? "yes" : "no"
        case "appendfsync": appendFsync.rawValue
        case "appendfilename": appendFilename
        case "dbfilename": dbFilename
        case "auto-aof-rewrite-percentage": String(autoAOFRewritePercentage)
        case "auto-aof-rewrite-min-size": String(autoAOFRewriteMinSize)
        case "aof-load-truncated": aofLoadTruncated ? "yes" : "no"
        case "rdbcompression": rdbCompression ? "yes" : "no"
        case "rdbchecksum": rdbChecksum ? "yes" : "no"
        case "replicaof": replicaOf.map { "\($0.host) \($0.port)" } ?? ""
        case "masterauth": masterAuth.isEmpty ? "" : "********"
        case "repl-backlog-size": String(replBacklogSize)
        case "min-replicas-to-write": String(minReplicasToWrite)
        case "min-replicas-max-lag": String(minReplicasMaxLag)
        case "replica-priority": String(replicaPriority)
        case "repl-timeout": String(replTimeout)
        case "repl-ping-replica-period": String(replPingReplicaPeriod)
        case "shutdown-timeout": String(shutdownTimeout)
        case "replica-read-only": "yes"
        case "databases": "1"
        case "hz": String(hz)
        case "dir": dir
        case "loglevel": logLevel
        case "client-query-buffer-limit": String(queryBufferLimit)
        case "proto-max-bulk-len": String(protoMaxBulkLength)
        case "metrics-port": String(effectiveMetricsPort)
        case "timeout": "0"
        case "tcp-keepalive": "300"
        default: nil
        }
    }

    /// Sets `name` from its text; returns a problem ("argument must be a number") or nil.
    /// `port`, `bind` and `metrics-port` only take effect at start (CONFIG SET refuses them, as Redis
    /// refuses immutable parameters).
    public mutating func setValue(_ text: String, of name: String, atStartup: Bool = false) -> String? {
        switch name {
        case "port":
            guard atStartup else { return "can't set immutable config" }
            guard let value = Int(text), (0...65535).contains(value) else {
                return "argument must be between 0 and 65535 inclusive"
            }
            port = value
        case "bind":
            guard atStartup else { return "can't set immutable config" }
            bind = text
        case "metrics-port":
            guard atStartup else { return "can't set immutable config" }
            guard let value = Int(text), (-1...65535).contains(value) else {
                return "argument must be between -1 and 65535 inclusive"
            }
            metricsPort = value
        case "requirepass": requirePass = text
        case "maxclients":
            guard let value = Int(text), value >= 1 else {
                return "argument must be between 1 and 4294967295 inclusive"
            }
            maxClients = value
        case "maxmemory":
            guard let value = Self.parseMemory(text) else { return "argument must be a memory value" }
            maxMemory = value
        case "appendfsync":
            guard let policy = AppendFsyncPolicy(rawValue: text.lowercased()) else {
                return "argument(s) must be one of the following: always, everysec, no"
            }
            appendFsync = policy
        case "appendfilename", "dbfilename":
            guard atStartup || name == "dbfilename" else { return "can't set immutable config" }
            guard !text.isEmpty, !text.contains("/") else { return "\(name) can't be a path, just a filename" }
            if name == "dbfilename" { dbFilename = text } else { appendFilename = text }
        case "auto-aof-rewrite-percentage":
            guard let value = Int(text), value >= 0 else {
                return "argument must be between 0 and 2147483647 inclusive"
            }
            autoAOFRewritePercentage = value
        case "auto-aof-rewrite-min-size":
            guard let value = Self.parseMemory(text) else { return "argument must be a memory value" }
            autoAOFRewriteMinSize = value
        case "aof-load-truncated", "rdbcompression", "rdbchecksum":
            guard text == "yes" || text == "no" else { return "argument must be 'yes' or 'no'" }
            switch name {
            case "aof-load-truncated": aofLoadTruncated = text == "yes"
            case "rdbcompression": rdbCompression = text == "yes"
            default: rdbChecksum = text == "yes"
            }
        case "replicaof":
            guard atStartup else { return "can't set immutable config" }
            let words = text.split(separator: " ")
            if words.count == 2 && words[0].lowercased() == "no" && words[1].lowercased() == "one" {
                replicaOf = nil
            } else {
                guard words.count == 2, let port = Int(words[1]), (1...65535).contains(port) else {
                    return "argument must be '<host> <port>'"
                }
                replicaOf = MasterAddress(host: String(words[0]), port: port)
            }
        case "masterauth": masterAuth = text
        case "repl-backlog-size":
            guard let value = Self.parseMemory(text), value >= 1 else { return "argument must be a memory value" }
            replBacklogSize = value
        case "min-replicas-to-write", "min-replicas-max-lag", "replica-priority", "repl-timeout",
            "repl-ping-replica-period", "shutdown-timeout":
            guard let value = Int(text), value >= 0 else {
                return "argument must be between 0 and 2147483647 inclusive"
            }
            switch name {
            case "min-replicas-to-write": minReplicasToWrite = value
            case "min-replicas-max-lag": minReplicasMaxLag = value
            case "replica-priority": replicaPriority = value
            case "repl-timeout": replTimeout = max(1, value)
            case "shutdown-timeout": shutdownTimeout = value
            default: replPingReplicaPeriod = max(1, value)
            }
        case "replica-read-only":
            guard text == "yes" else { return "only 'yes' is supported: replicas never take writes of their own" }
        case "maxmemory-policy":
            guard let policy = MaxMemoryPolicy(rawValue: text.lowercased()) else {
                return "argument(s) must be one of the following: "
                    + MaxMemoryPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            }
            maxMemoryPolicy = policy
        case "client-output-buffer-limit":
            if let problem = outputBufferLimits.apply(text) { return problem }
        case "maxmemory-samples":
            guard let value = Int(text), (1...64).contains(value) else {
                return "argument must be between 1 and 64 inclusive"
            }
            maxMemorySamples = value
        case "timeout", "tcp-keepalive", "databases":
            break  // Accepted for compatibility; later slices implement them.
        case "save":
            guard SaveRules(text) != nil else { return "Invalid save parameters" }
            save = text
        case "appendonly":
            guard text == "yes" || text == "no" else { return "argument must be 'yes' or 'no'" }
            appendOnly = text == "yes"
        case "hz":
            guard let value = Int(text), (1...500).contains(value) else {
                return "argument must be between 1 and 500 inclusive"
            }
            hz = value
        case "dir": dir = text
        case "loglevel":
            guard ["debug", "verbose", "notice", "warning", "nothing"].contains(text) else {
                return "argument(s) must be one of the following: debug, verbose, notice, warning, nothing"
            }
            logLevel = text
        case "client-query-buffer-limit":
            guard let value = Self.parseMemory(text), value >= 1024 * 1024 else {
                return "argument must be a memory value of at least 1mb"
            }
            queryBufferLimit = value
        case "proto-max-bulk-len":
            guard let value = Self.parseMemory(text), value >= 1024 * 1024 else {
                return "argument must be a memory value of at least 1mb"
            }
            protoMaxBulkLength = value
        default:
            return "Unknown option or number of arguments for CONFIG SET - '\(name)'"
        }
        return nil
    }

    /// redis.conf memory units: `100`, `1k` (1000), `1kb` (1024), `5mb`, `2gb`, any case.
    public static func parseMemory(_ text: String) -> Int? {
        let lower = text.lowercased()
        let units: [(String, Int)] = [
            ("kb", 1024), ("mb", 1024 * 1024), ("gb", 1024 * 1024 * 1024), ("k", 1000), ("m", 1_000_000),
            ("g", 1_000_000_000), ("b", 1),
        ]
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            guard let number = Int(lower.dropLast(suffix.count)), number >= 0 else { return nil }
            return number * factor
        }
        guard let number = Int(lower), number >= 0 else { return nil }
        return number
    }
}
