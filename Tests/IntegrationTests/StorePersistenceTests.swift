import Core
import Foundation
import Synchronization
import Testing

/// The built `store`'s persistence seen from outside: a kill -9 under `appendfsync always`, AOF rewrite
/// and restart, a torn and a corrupt AOF at start.
@Suite(.serialized) struct StorePersistenceTests {
    private let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-persist-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    private func startStore(_ extra: [String] = []) throws -> (ServerProcess, String) {
        let server = try ServerProcess(
            "store", ["--port", "0", "--metrics-port", "-1", "--dir", directory, "--save", ""] + extra)
        let port = String(try server.waitForAddress().split(separator: ":")[1])
        return (server, port)
    }

    private func cli(_ port: String, _ arguments: String...) throws -> String {
        try runTool("redis-cli", ["-p", port] + arguments).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass.
    private func waitUntil(seconds: Double = 10, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return false
    }

    @Test("With appendfsync always, kill -9 in the middle of a write stream loses no acknowledged write")
    func killNineLosesNothing() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (server, port) = try startStore(["--appendonly", "yes", "--appendfsync", "always"])
        // redis-cli prints each INCR's reply as it arrives: the last line printed is the last acknowledged value.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: findOnPath("redis-cli")!)
        writer.arguments = ["-p", port, "-r", "1000000", "INCR", "counter"]
        let output = Pipe()
        writer.standardOutput = output
        writer.standardError = FileHandle.nullDevice
        let printed = Mutex("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            printed.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try writer.run()
        let lines = { printed.withLock { $0.split(separator: "\n").count } }
        #expect(try waitUntil { lines() >= 300 })
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        writer.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        let acknowledged = printed.withLock { $0.split(separator: "\n").compactMap { Int($0) }.max() ?? 0 }
        #expect(acknowledged >= 300)

        let (restarted, newPort) = try startStore(["--appendonly", "yes", "--appendfsync", "always"])
        defer { restarted.stop() }
        let recovered = Int(try cli(newPort, "GET", "counter")) ?? -1
        // Every acknowledged INCR is there; at most the one in flight at the kill was also logged.
        #expect(recovered >= acknowledged)
        #expect(recovered <= acknowledged + 1)
    }

    @Test("BGREWRITEAOF compacts the log while serving, and a restart loads the compacted log")
    func rewrite() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (server, port) = try startStore(["--appendonly", "yes", "--appendfsync", "everysec"])
        _ = try runTool("redis-cli", ["-p", port, "-r", "2000", "INCR", "counter"])
        _ = try cli(port, "RPUSH", "list", "a", "b", "c")
        let aof = directory + "/appendonly.aof"
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: aof)[.size] as! Int
        #expect(try cli(port, "BGREWRITEAOF") == "Background append only file rewriting started")
        #expect(
            try waitUntil {
                let info = try cli(port, "INFO", "persistence")
                return info.contains("aof_rewrite_in_progress:0") && info.contains("aof_last_bgrewrite_status:ok")
            })
        _ = try cli(port, "INCR", "counter")
        let sizeAfter = try FileManager.default.attributesOfItem(atPath: aof)[.size] as! Int
        #expect(sizeAfter < sizeBefore / 10)
        server.stop()

        let (restarted, newPort) = try startStore(["--appendonly", "yes"])
        defer { restarted.stop() }
        #expect(try cli(newPort, "GET", "counter") == "2001")
        #expect(try cli(newPort, "LRANGE", "list", "0", "-1") == "a\nb\nc")
    }

    @Test("A torn AOF loads up to its last whole command with a log line; a corrupt one stops the start")
    func tornAndCorrupt() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let aof = directory + "/appendonly.aof"
        let whole = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
        try (whole + "*3\r\n$3\r\nSET\r\n$1\r\nb").write(toFile: aof, atomically: true, encoding: .utf8)
        let (server, port) = try startStore(["--appendonly", "yes"])
        #expect(try cli(port, "MGET", "a", "b") == "1")
        #expect(server.stderr.contains("aof-load-truncated"))
        server.stop()
        #expect((try String(contentsOfFile: aof, encoding: .utf8)) == whole)

        let corrupt = whole + "this is not RESP\r\n"
        try corrupt.write(toFile: aof, atomically: true, encoding: .utf8)
        let refused = try ServerProcess(
            "store", ["--port", "0", "--metrics-port", "-1", "--dir", directory, "--appendonly", "yes"])
        refused.process.waitUntilExit()
        #expect(refused.process.terminationStatus == 1)
        #expect(refused.stderr.contains("bad format at offset \(whole.utf8.count)"))
        #expect((try String(contentsOfFile: aof, encoding: .utf8)) == corrupt)
    }

    @Test("BGSAVE writes a snapshot that redis-check-rdb accepts, and a restart loads it")
    func backgroundSave() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (server, port) = try startStore()
        _ = try runTool("redis-cli", ["-p", port, "-r", "500", "INCR", "counter"])
        _ = try cli(port, "RPUSH", "list", "a", "b", "c")
        _ = try cli(port, "HSET", "hash", "field", "value")
        _ = try cli(port, "SADD", "set", "1", "2", "3")
        _ = try cli(port, "ZADD", "zset", "1.5", "m")
        _ = try cli(port, "SET", "expiring", "v", "EX", "1000")
        let before = try cli(port, "LASTSAVE")
        #expect(try cli(port, "BGSAVE") == "Background saving started")
        #expect(
            try waitUntil {
                let info = try cli(port, "INFO", "persistence")
                return info.contains("rdb_bgsave_in_progress:0") && info.contains("rdb_saves:1")
            })
        #expect(try cli(port, "INFO", "persistence").contains("rdb_last_bgsave_status:ok"))
        #expect(Int(try cli(port, "LASTSAVE"))! >= Int(before)!)
        let dump = directory + "/dump.rdb"
        if findOnPath("redis-check-rdb") != nil {
            let check = try runTool("redis-check-rdb", [dump])
            #expect(check.stdout.contains("RDB looks OK"), "\(check.stdout)")
        }
        server.stop()

        let (restarted, newPort) = try startStore()
        defer { restarted.stop() }
        #expect(try cli(newPort, "GET", "counter") == "500")
        #expect(try cli(newPort, "LRANGE", "list", "0", "-1") == "a\nb\nc")
        #expect(try cli(newPort, "HGET", "hash", "field") == "value")
        #expect(try cli(newPort, "SCARD", "set") == "3")
        #expect(try cli(newPort, "ZSCORE", "zset", "m") == "1.5")
        #expect((Int(try cli(newPort, "TTL", "expiring")) ?? 0) > 900)
        #expect(restarted.stderr.contains("DB loaded from disk"))
    }

    @Test("SIGTERM saves a snapshot when save rules exist, as redis-server does")
    func saveOnTerminate() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (server, port) = try startStore(["--save", "3600 1"])
        _ = try cli(port, "SET", "kept", "yes")
        server.stop()
        #expect(server.process.terminationStatus == 0)
        let (restarted, newPort) = try startStore()
        defer { restarted.stop() }
        #expect(try cli(newPort, "GET", "kept") == "yes")
    }

    @Test("A dump.rdb written by redis-server 7.0 loads, compact encodings included: the migration path")
    func loadsRedisDump() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard let redisServer = findOnPath("redis-server") else {
            print("skipped: redis-server is not installed")
            return
        }
        // redis-server on a Unix socket only (port 0): no TCP at all.
        let socket = directory + "/redis.sock"
        let redis = Process()
        redis.executableURL = URL(fileURLWithPath: redisServer)
        redis.arguments = [
            "--port", "0", "--unixsocket", socket, "--dir", directory, "--save", "", "--appendonly", "no",
            "--logfile", "",
        ]
        redis.standardOutput = FileHandle.nullDevice
        try redis.run()
        defer { if redis.isRunning { kill(redis.processIdentifier, SIGKILL) } }
        let redisCLI = { (arguments: [String]) throws -> String in
            try runTool("redis-cli", ["-s", socket] + arguments).stdout
        }
        #expect(try waitUntil { (try? redisCLI(["PING"]))?.contains("PONG") == true })
        _ = try redisCLI(["RPUSH", "small-list", "a", "b", "c"])
        for index in 0..<300 {
            _ = try redisCLI(["RPUSH", "big-list", "element-\(index)-" + String(repeating: "x", count: 40)])
        }
        _ = try redisCLI(["SADD", "intset", "1", "2", "3"])
        _ = try redisCLI(["SADD", "strings", "a", "b"])
        _ = try redisCLI(["HSET", "hash", "f1", "v1", "f2", "v2"])
        _ = try redisCLI(["ZADD", "zset", "1", "one", "2.5", "two"])
        _ = try redisCLI(["SET", "compressible", String(repeating: "abc", count: 100)])
        _ = try redisCLI(["SET", "number", "12345"])
        _ = try redisCLI(["SET", "expiring", "v", "EX", "1000"])
        #expect(try redisCLI(["SAVE"]).contains("OK"))
        _ = try? redisCLI(["SHUTDOWN", "NOSAVE"])
        redis.waitUntilExit()

        let (store, port) = try startStore()
        defer { store.stop() }
        #expect(try cli(port, "LRANGE", "small-list", "0", "-1") == "a\nb\nc")
        #expect(try cli(port, "LLEN", "big-list") == "300")
        #expect(try cli(port, "SMISMEMBER", "intset", "1", "2", "3", "4") == "1\n1\n1\n0")
        #expect(try cli(port, "SCARD", "strings") == "2")
        #expect(try cli(port, "HGET", "hash", "f2") == "v2")
        #expect(try cli(port, "ZSCORE", "zset", "two") == "2.5")
        #expect(try cli(port, "STRLEN", "compressible") == "300")
        #expect(try cli(port, "GET", "number") == "12345")
        #expect((Int(try cli(port, "TTL", "expiring")) ?? 0) > 900)
    }
}
