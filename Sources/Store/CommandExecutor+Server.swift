import Core
import RESP
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// Server commands: CONFIG, INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME.
extension CommandExecutor {
    static var serverCommands: [CommandSpec] {
        [
            CommandSpec("config", arity: -2, flags: [.admin, .loading, .stale]) { $0.config(&$1) },
            CommandSpec("info", arity: -1, flags: [.loading, .stale]) { $0.info(&$1) },
            CommandSpec("dbsize", arity: 1, flags: [.readonly, .fast]) { executor, request in
                request.replyInteger(executor.keyspace.count)
            },
            CommandSpec("flushdb", arity: -1, flags: [.write]) { $0.flush(&$1) },
            CommandSpec("flushall", arity: -1, flags: [.write]) { $0.flush(&$1) },
            CommandSpec("time", arity: 1, flags: [.fast, .loading, .stale]) { executor, request in
                var ts = timespec()
                clock_gettime(CLOCK_REALTIME, &ts)
                request.reply.writeRESPArrayHeader(2)
                request.replyBulk(String(ts.tv_sec))
                request.replyBulk(String(ts.tv_nsec / 1000))
            },
        ]
    }

    func flush(_ request: inout CommandRequest) {
        // ASYNC and SYNC are accepted: freeing is immediate either way here.
        if request.count > 2
            || (request.count == 2 && !request.argument(1, is: "ASYNC") && !request.argument(1, is: "SYNC"))
        {
            return request.replySyntaxError()
        }
        keyspace.removeAll()
        request.replyOK()
    }

    // MARK: - CONFIG

    func config(_ request: inout CommandRequest) {
        let subcommand = request.string(at: 1).lowercased()
        switch subcommand {
        case "get" where request.count >= 3:
            var pairs: [(String, String)] = []
            for index in 2..<request.count {
                let pattern = Array(request.string(at: index).lowercased().utf8)
                for parameter in StoreConfiguration.parameterNames
                where GlobPattern.matches(pattern, Array(parameter.utf8))
                    && !pairs.contains(where: { $0.0 == parameter })
                {
                    pairs.append((parameter, configuration.value(of: parameter) ?? ""))
                }
            }
            request.reply.writeRESPMapHeader(pairs.count, protocol: request.protocolVersion)
            for (name, value) in pairs {
                request.replyBulk(name)
                request.replyBulk(value)
            }
        case "set" where request.count >= 4 && request.count % 2 == 0:
            var updated = configuration
            for index in stride(from: 2, to: request.count, by: 2) {
                let name = request.string(at: index).lowercased()
                if let problem = updated.setValue(request.string(at: index + 1), of: name) {
                    return request.replyError(
                        "ERR CONFIG SET failed (possibly related to argument '\(name)') - \(problem)")
                }
            }
            let previous = configuration
            configuration = updated
            if let problem = applyConfigurationChange(from: previous) {
                configuration = previous
                return request.replyError("ERR CONFIG SET failed - \(problem)")
            }
            request.replyOK()
        case "resetstat" where request.count == 2:
            keyspace.resetStatistics()
            commandsProcessedBase = commandsProcessed
            for index in commandCalls.indices { commandCalls[index] = 0 }
            request.replyOK()
        case "rewrite" where request.count == 2:
            rewriteConfigurationFile(&request)
        case "get", "set", "resetstat", "rewrite":
            request.replyError(StoreReplies.wrongArity("config|\(subcommand)"))
        default:
            request.replyError(StoreReplies.unknownSubcommand(request.string(at: 1), of: "config"))
        }
    }

    // MARK: - INFO

    func info(_ request: inout CommandRequest) {
        let defaults = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "keyspace"]
        let all = defaults + ["commandstats"]
        var sections: [String] = []
        if request.count == 1 {
            sections = defaults
        } else {
            for index in 1..<request.count {
                let name = request.string(at: index).lowercased()
                if name == "all" || name == "everything" {
                    sections = all
                } else if name == "default" {
                    sections = defaults
                } else {
                    sections.append(name)
                }
            }
        }
        var text = ""
        for section in all where sections.contains(section) {
            if !text.isEmpty { text += "\r\n" }
            text += infoSection(section)
        }
        request.reply.writeRESPVerbatimString(Array(text.utf8), protocol: request.protocolVersion)
    }

    private func infoSection(_ name: String) -> String {
        var lines: [String]
        let uptime = (clock() - startedAt) / 1000
        switch name {
        case "server":
            lines = [
                "# Server", "redis_version:\(Self.redisVersion)", "redis_git_sha1:00000000", "redis_git_dirty:0",
                "redis_mode:standalone", "os:Linux",
                "arch_bits:64", "multiplexing_api:epoll", "process_id:\(getpid())", "process_supervised:no",
                "run_id:\(runID)", "tcp_port:\(boundPort)", "server_time_usec:\(clock() * 1000)",
                "uptime_in_seconds:\(uptime)", "uptime_in_days:\(uptime / 86400)", "hz:\(configuration.hz)",
                "configured_hz:\(configuration.hz)", "executable:evergreen-store",
                "config_file:\(configurationFilePath ?? "")",
            ]
        case "clients":
            lines = [
                "# Clients", "connected_clients:\(clients.count)", "maxclients:\(configuration.maxClients)",
                "blocked_clients:\(blockedClients.count)",
            ]
        case "memory":
            let used = Self.usedMemory()
            lines = [
                "# Memory", "used_memory:\(used)", "used_memory_human:\(Self.humanBytes(used))",
                "used_memory_rss:\(Self.residentMemory())", "maxmemory:\(configuration.maxMemory)",
                "maxmemory_human:\(Self.humanBytes(configuration.maxMemory))",
                "maxmemory_policy:\(configuration.maxMemoryPolicy.rawValue)",
                "mem_allocator:libc",
            ]
        case "persistence":
            lines = persistenceInfo()
        case "stats":
            lines = [
                "# Stats", "total_connections_received:\(statistics.connectionsReceived.load(ordering: .relaxed))",
                "total_commands_processed:\(commandsProcessed - commandsProcessedBase)",
                "rejected_connections:\(statistics.rejectedConnections.load(ordering: .relaxed))",
                "expired_keys:\(keyspace.expiredKeys)", "evicted_keys:\(evictedKeys)", "keyspace_hits:\(keyspace.hits)",
                "keyspace_misses:\(keyspace.misses)", "pubsub_channels:\(pubSub.channels.count)",
                "pubsub_patterns:\(pubSub.patterns.count)",
            ]
        case "replication":
            lines = replicationInfo()
        case "cpu":
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            func seconds(_ time: timeval) -> String {
                let micros = String(Int(time.tv_usec))
                return "\(time.tv_sec).\(String(repeating: "0", count: 6 - micros.count))\(micros)"
            }
            lines = ["# CPU", "used_cpu_sys:\(seconds(usage.ru_stime))", "used_cpu_user:\(seconds(usage.ru_utime))"]
        case "commandstats":
            lines = ["# Commandstats"]
            for (name, calls) in commandCallCounts {
                lines.append("cmdstat_\(name):calls=\(calls),usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0")
            }
        default:
            lines = ["# Keyspace"]
            if keyspace.count > 0 {
                lines.append("db0:keys=\(keyspace.count),expires=\(keyspace.expires.count),avg_ttl=0")
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Calls per command name for the commands called at least once, by name.
    var commandCallCounts: [(String, Int)] {
        commands.all.compactMap { spec in commandCalls[spec.index] > 0 ? (spec.name, commandCalls[spec.index]) : nil }
    }

    /// Bytes in use (Redis's used_memory): what the heap holds, as the allocator counts it.
    static func usedMemory() -> Int { HeapUsage.bytesInUse }

    /// Resident set size in bytes, from /proc/self/statm.
    static func residentMemory() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var size = 0
        var resident = 0
        guard readStatm(file, &size, &resident) else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func readStatm(_ file: UnsafeMutablePointer<FILE>, _ size: inout Int, _ resident: inout Int) -> Bool
    {
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, 256, file) != nil else { return false }
        let text = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let fields = String(decoding: text, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let s = Int(fields[0]), let r = Int(fields[1]) else { return false }
        size = s
        resident = r
        return true
    }

    /// `1.50M`-style figures as Redis's bytesToHuman.
    static func humanBytes(_ bytes: Int) -> String {
        let value = Double(bytes)
        func format(_ scaled: Double, _ unit: String) -> String {
            let hundredths = Int((scaled * 100).rounded())
            let fraction = hundredths % 100
            return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)\(unit)"
        }
        if bytes < 1024 { return "\(bytes)B" }
        if value < 1024 * 1024 { return format(value / 1024, "K") }
        if value < 1024 * 1024 * 1024 { return format(value / 1024 / 1024, "M") }
        return format(value / 1024 / 1024 / 1024, "G")
    }
}
