import Core
import Foundation
import Testing

/// Replication between built `store`s, and with redis-server 7.0, seen through redis-cli. Each test
/// has loopback addresses of its own in 127.0.78.0/24 and fixed ports, so a restarted server comes back
/// where its peers expect it.
@Suite(.serialized) struct StoreReplicationTests {
    private let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-repl-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Starts a store on `host`:6379 with its own data directory; `extra` adds options.
    private func store(_ host: String, _ extra: [String] = []) throws -> ServerProcess {
        let data = directory + "/" + host
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let server = try ServerProcess(
            "store", ["--bind", host, "--port", "6379", "--metrics-port", "-1", "--dir", data, "--save", ""] + extra)
        _ = try server.waitForAddress()
        return server
    }

    private func cli(_ host: String, _ arguments: String...) throws -> String {
        try runTool("redis-cli", ["-h", host, "-p", "6379"] + arguments).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    private func info(_ host: String, _ field: String) throws -> String? {
        let text = try cli(host, "INFO", "replication")
        return text.split(whereSeparator: \.isNewline).first { $0.hasPrefix(field + ":") }
            .map { String($0.dropFirst(field.count + 1)) }
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass.
    private func eventually(seconds: Double = 10, _ condition: () throws -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            usleep(20_000)
        }
        return false
    }

    @Test("Writes on the master reach its replica, which refuses writes with -READONLY; ROLE and INFO say who is who")
    func writesReachReplica() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let master = try store("127.0.78.1")
        defer { master.stop() }
        _ = try cli("127.0.78.1", "SET", "before", "1")
        let replica = try store("127.0.78.2", ["--replicaof", "127.0.78.1", "6379"])
        defer { replica.stop() }
        #expect(eventually { try info("127.0.78.2", "master_link_status") == "up" })
        #expect(try cli("127.0.78.2", "GET", "before") == "1")
        _ = try cli("127.0.78.1", "RPUSH", "list", "a", "b")
        _ = try cli("127.0.78.1", "SET", "ttl", "v", "EX", "100")
        #expect(eventually { try cli("127.0.78.2", "LRANGE", "list", "0", "-1") == "a\nb" })
        #expect((Int(try cli("127.0.78.2", "TTL", "ttl")) ?? 0) > 90)
        #expect(try cli("127.0.78.2", "SET", "x", "1") == "READONLY You can't write against a read only replica.")
        #expect(try cli("127.0.78.2", "ROLE").hasPrefix("slave\n127.0.78.1\n6379\nconnected\n"))
        #expect(try cli("127.0.78.1", "ROLE").hasPrefix("master\n"))
        #expect(try info("127.0.78.1", "connected_slaves") == "1")
        #expect(try info("127.0.78.1", "slave0")?.hasPrefix("ip=127.0.78.2,port=6379,state=online,offset=") == true)
        #expect(eventually { try info("127.0.78.2", "slave_repl_offset") == info("127.0.78.1", "master_repl_offset") })

        #expect(try cli("127.0.78.1", "CLIENT", "LIST", "TYPE", "replica").contains(" flags=S "))
        let runID = try cli("127.0.78.1", "INFO", "server").split(whereSeparator: \.isNewline)
            .first { $0.hasPrefix("run_id:") }
        #expect(runID?.count == "run_id:".count + 40)

        // A graceful stop of the master waits for the replica's acknowledgement, then exits 0.
        _ = try cli("127.0.78.1", "SET", "last", "write")
        _ = try? cli("127.0.78.1", "SHUTDOWN", "NOSAVE")
        #expect(eventually { !master.process.isRunning })
        #expect(master.process.terminationStatus == 0)
        #expect(try cli("127.0.78.2", "GET", "last") == "write")
    }

    @Test("WAIT returns the number of replicas that acknowledged the client's writes")
    func waitCountsAcknowledgements() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let master = try store("127.0.78.3")
        defer { master.stop() }
        #expect(try cli("127.0.78.3", "WAIT", "0", "0") == "0")
        let replica = try store("127.0.78.4", ["--replicaof", "127.0.78.3", "6379"])
        defer { replica.stop() }
        #expect(eventually { try info("127.0.78.4", "master_link_status") == "up" })
        // One pipeline: the SET and the WAIT for it run on one connection.
        let result = try runTool(
            "redis-cli", ["-h", "127.0.78.3", "-p", "6379"], input: Data("SET k v\nWAIT 1 5000\n".utf8))
        #expect(result.stdout == "OK\n1\n")
        // Two replicas asked for, one exists: WAIT gives up at its timeout and says how many it got.
        let started = Date()
        #expect(try cli("127.0.78.3", "WAIT", "2", "300") == "1")
        #expect(Date().timeIntervalSince(started) >= 0.25)
        #expect(try cli("127.0.78.4", "WAIT", "1", "0").hasPrefix("ERR WAIT cannot be used with replica instances"))
    }

    @Test("A replica restarted mid-stream continues partially from the master's backlog")
    func restartedReplicaContinues() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let master = try store("127.0.78.5")
        defer { master.stop() }
        // Save rules make the replica snapshot itself (with the stream offset) when it is stopped.
        var replica = try store("127.0.78.6", ["--replicaof", "127.0.78.5", "6379", "--save", "3600 1"])
        _ = try runTool("redis-cli", ["-h", "127.0.78.5", "-p", "6379", "-r", "200", "INCR", "counter"])
        #expect(eventually { try cli("127.0.78.6", "GET", "counter") == "200" })
        replica.stop()
        _ = try runTool("redis-cli", ["-h", "127.0.78.5", "-p", "6379", "-r", "100", "INCR", "counter"])
        replica = try store("127.0.78.6", ["--replicaof", "127.0.78.5", "6379", "--save", "3600 1"])
        defer { replica.stop() }
        #expect(eventually { try cli("127.0.78.6", "GET", "counter") == "300" })
        #expect(replica.stderr.contains("successful partial resynchronization"), "\(replica.stderr)")
        #expect(master.stderr.contains("partial resynchronization request accepted"))
    }

    @Test("A replica keeps serving reads while its master is down and resynchronises when it returns")
    func masterComesBack() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var master = try store("127.0.78.7", ["--save", "3600 1"])
        let replica = try store("127.0.78.8", ["--replicaof", "127.0.78.7", "6379"])
        defer { replica.stop() }
        _ = try cli("127.0.78.7", "SET", "k", "1")
        #expect(eventually { try cli("127.0.78.8", "GET", "k") == "1" })
        master.stop()
        #expect(eventually { try info("127.0.78.8", "master_link_status") == "down" })
        #expect(try cli("127.0.78.8", "GET", "k") == "1")
        master = try store("127.0.78.7", ["--save", "3600 1"])
        defer { master.stop() }
        _ = try cli("127.0.78.7", "SET", "k", "2")
        #expect(eventually { try cli("127.0.78.8", "GET", "k") == "2" })
        #expect(try info("127.0.78.8", "master_link_status") == "up")
    }

    @Test("A replica attached while writes flow ends with every write")
    func fullSyncUnderWrites() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let master = try store("127.0.78.9")
        defer { master.stop() }
        _ = try runTool("redis-cli", ["-h", "127.0.78.9", "-p", "6379", "-r", "2000", "RPUSH", "before", "x"])
        let writer = try BackgroundTool(
            "redis-cli", ["-h", "127.0.78.9", "-p", "6379", "-r", "3000", "INCR", "during"])
        defer { writer.stop() }
        let replica = try store("127.0.78.10", ["--replicaof", "127.0.78.9", "6379"])
        defer { replica.stop() }
        #expect(eventually(seconds: 30) { !writer.isRunning })
        #expect(eventually { try cli("127.0.78.10", "GET", "during") == "3000" })
        #expect(try cli("127.0.78.10", "LLEN", "before") == "2000")
    }

    @Test("redis-server 7.0 replicates from our store, and our store from redis-server")
    func interoperatesWithRedis() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard let redisServer = findOnPath("redis-server") else {
            print("skipped: redis-server is not installed")
            return
        }
        let ours = try store("127.0.78.11")
        defer { ours.stop() }
        _ = try cli("127.0.78.11", "MSET", "a", "1", "b", "2")
        _ = try cli("127.0.78.11", "SADD", "set", "x", "y")
        let redis = Process()
        redis.executableURL = URL(fileURLWithPath: redisServer)
        redis.arguments = [
            "--bind", "127.0.78.12", "--port", "6379", "--dir", directory, "--save", "", "--appendonly", "no",
            "--replicaof", "127.0.78.11", "6379", "--logfile", "",
        ]
        redis.standardOutput = FileHandle.nullDevice
        try redis.run()
        defer {
            // SIGTERM is blocked in test processes and stays blocked in their children: ask it to leave.
            _ = try? runTool("redis-cli", ["-h", "127.0.78.12", "-p", "6379", "SHUTDOWN", "NOSAVE"])
            if !eventually(seconds: 5, { !redis.isRunning }) { kill(redis.processIdentifier, SIGKILL) }
            redis.waitUntilExit()
        }
        #expect(eventually { try info("127.0.78.12", "master_link_status") == "up" })
        _ = try cli("127.0.78.11", "INCR", "a")
        #expect(eventually { try cli("127.0.78.12", "MGET", "a", "b") == "2\n2" })
        #expect(try cli("127.0.78.12", "SCARD", "set") == "2")
        #expect(try cli("127.0.78.11", "WAIT", "1", "5000") == "1")

        // The other way round: redis-server becomes the master and ours follows it.
        #expect(try cli("127.0.78.12", "REPLICAOF", "NO", "ONE") == "OK")
        _ = try cli("127.0.78.12", "HSET", "from-redis", "f", "v")
        #expect(try cli("127.0.78.11", "REPLICAOF", "127.0.78.12", "6379") == "OK")
        #expect(eventually { try info("127.0.78.11", "master_link_status") == "up" })
        _ = try cli("127.0.78.12", "RPUSH", "after", "1", "2")
        #expect(eventually { try cli("127.0.78.11", "LRANGE", "after", "0", "-1") == "1\n2" })
        #expect(try cli("127.0.78.11", "HGET", "from-redis", "f") == "v")
        #expect(try cli("127.0.78.12", "WAIT", "1", "5000") == "1")
    }
}
