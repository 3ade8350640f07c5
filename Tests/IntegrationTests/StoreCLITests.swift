import Foundation
import Testing

/// The built `store` as Redis's own tools see it: redis-cli, redis-benchmark, curl and promtool.
@Suite struct StoreCLITests {
    /// Starts `store` on a free loopback port, without save rules (no snapshot lands in the working
    /// directory); returns it with its host and port.
    private func startStore(_ extra: [String] = []) throws -> (ServerProcess, String, String) {
        let server = try ServerProcess("store", ["--port", "0", "--metrics-port", "0", "--save", ""] + extra)
        let parts = try server.waitForAddress().split(separator: ":")
        return (server, String(parts[0]), String(parts[1]))
    }

    private func cli(_ host: String, _ port: String, _ arguments: String...) throws -> String {
        try runTool("redis-cli", ["-h", host, "-p", port] + arguments).stdout
    }

    @Test("SET, GET, INCR, EXPIRE, TTL, MGET and KEYS work through redis-cli")
    func basicCommands() throws {
        let (server, host, port) = try startStore()
        defer { server.stop() }
        #expect(try cli(host, port, "SET", "greeting", "hello world") == "OK\n")
        #expect(try cli(host, port, "GET", "greeting") == "hello world\n")
        #expect(try cli(host, port, "INCR", "visits") == "1\n")
        #expect(try cli(host, port, "INCR", "visits") == "2\n")
        #expect(try cli(host, port, "EXPIRE", "greeting", "100") == "1\n")
        #expect(try cli(host, port, "TTL", "greeting") == "100\n")
        #expect(try cli(host, port, "MGET", "greeting", "visits", "nope") == "hello world\n2\n\n")
        #expect(try cli(host, port, "--no-raw", "MGET", "greeting", "nope") == "1) \"hello world\"\n2) (nil)\n")
        #expect(try cli(host, port, "--no-raw", "KEYS", "gree*") == "1) \"greeting\"\n")
    }

    @Test("a wrong-type command gets Redis's WRONGTYPE error in redis-cli")
    func wrongType() throws {
        let (server, host, port) = try startStore()
        defer { server.stop() }
        _ = try cli(host, port, "HSET", "h", "f", "v")
        #expect(
            try cli(host, port, "--no-raw", "GET", "h")
                == "(error) WRONGTYPE Operation against a key holding the wrong kind of value\n")
    }

    @Test("lists and sets work through redis-cli, and redis-benchmark's list and set tests complete")
    func listsAndSets() throws {
        let (server, host, port) = try startStore()
        defer { server.stop() }
        #expect(try cli(host, port, "RPUSH", "queue", "a", "b", "c") == "3\n")
        #expect(try cli(host, port, "--no-raw", "LRANGE", "queue", "0", "-1") == "1) \"a\"\n2) \"b\"\n3) \"c\"\n")
        #expect(try cli(host, port, "--no-raw", "LPOP", "queue", "2") == "1) \"a\"\n2) \"b\"\n")
        #expect(try cli(host, port, "--no-raw", "LSET", "nope", "0", "x") == "(error) ERR no such key\n")
        #expect(try cli(host, port, "SADD", "tags", "x", "y") == "2\n")
        #expect(try cli(host, port, "TYPE", "tags") == "set\n")
        #expect(try cli(host, port, "--no-raw", "SMISMEMBER", "tags", "x", "z") == "1) (integer) 1\n2) (integer) 0\n")
        let result = try runTool(
            "redis-benchmark",
            ["-h", host, "-p", port, "-t", "lpush,rpush,lpop,rpop,sadd,spop,lrange", "-n", "2000", "-q"],
            timeout: 120)
        #expect(result.status == 0, "redis-benchmark: \(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("LRANGE_600") && result.stdout.contains("SPOP:"), "\(result.stdout)")
        #expect(!result.stdout.contains("ERR") && !result.stderr.contains("ERR"))
    }

    @Test("MULTI, EXEC and sorted sets work through redis-cli, and redis-benchmark's ZADD and ZPOPMIN complete")
    func transactionsAndSortedSets() throws {
        let (server, host, port) = try startStore()
        defer { server.stop() }
        let script = "MULTI\nSET k 1\nINCR k\nEXEC\nZADD z 1.5 a 2 b\nZRANGE z 0 -1 WITHSCORES\n"
        let piped = try runTool("redis-cli", ["-h", host, "-p", port, "--no-raw"], input: Data(script.utf8))
        #expect(
            piped.stdout
                == "OK\nQUEUED\nQUEUED\n1) OK\n2) (integer) 2\n(integer) 2\n1) \"a\"\n2) \"1.5\"\n3) \"b\"\n4) \"2\"\n")
        #expect(try cli(host, port, "ZSCORE", "z", "a") == "1.5\n")
        #expect(try cli(host, port, "-3", "ZRANGE", "z", "0", "-1", "WITHSCORES") == "a\n1.5\nb\n2\n")
        let result = try runTool(
            "redis-benchmark", ["-h", host, "-p", port, "-t", "zadd,zpopmin", "-n", "2000", "-q"], timeout: 120)
        #expect(result.status == 0, "redis-benchmark: \(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("ZPOPMIN:"), "\(result.stdout)")
        #expect(!result.stdout.contains("ERR") && !result.stderr.contains("ERR"))
    }

    @Test("redis-benchmark runs SET, GET and INCR to completion without an error")
    func benchmark() throws {
        let (server, host, port) = try startStore()
        defer { server.stop() }
        let result = try runTool(
            "redis-benchmark", ["-h", host, "-p", port, "-t", "set,get,incr", "-n", "10000", "-q"], timeout: 120)
        #expect(result.status == 0, "redis-benchmark: \(result.stdout)\(result.stderr)")
        for test in ["SET:", "GET:", "INCR:"] {
            #expect(result.stdout.contains(test), "missing \(test) in \(result.stdout)")
        }
        #expect(!result.stdout.contains("ERR") && !result.stderr.contains("ERR"))
    }

    @Test("requirepass refuses unauthenticated clients and accepts -a")
    func password() throws {
        let (server, host, port) = try startStore(["--requirepass", "s3cret"])
        defer { server.stop() }
        #expect(try cli(host, port, "--no-raw", "GET", "k") == "(error) NOAUTH Authentication required.\n")
        #expect(try cli(host, port, "--no-auth-warning", "-a", "s3cret", "PING") == "PONG\n")
        #expect(!server.stderr.contains("s3cret"))
    }

    @Test("its /metrics has redis_exporter's names and passes promtool check metrics")
    func metrics() throws {
        let (server, host, port) = try startStore()
        defer { server.stop() }
        _ = try cli(host, port, "SET", "k", "v")
        _ = try cli(host, port, "GET", "k")
        guard let range = server.stderr.range(of: #"metrics_address=127\.[0-9.]+:[0-9]+"#, options: .regularExpression)
        else { throw TestFailure("no metrics address logged: \(server.stderr)") }
        let address = server.stderr[range].dropFirst("metrics_address=".count)
        // Per-command and replication figures are published ten times a second: poll for them.
        var body = ""
        let deadline = Date().addingTimeInterval(5)
        repeat {
            body = try runTool("curl", ["-sS", "http://\(address)/metrics"]).stdout
            if body.contains("redis_commands_total{cmd=\"set\"} 1") { break }
            usleep(20_000)
        } while Date() < deadline
        for name in [
            "redis_up 1", "redis_connected_clients ", "redis_commands_processed_total ", "redis_keyspace_hits_total 1",
            "redis_keyspace_misses_total 0", "redis_db_keys{db=\"db0\"} 1", "redis_memory_used_bytes ",
            "process_resident_memory_bytes ", "redis_commands_total{cmd=\"set\"} 1",
            "redis_instance_info{role=\"master\",redis_version=", "redis_connected_slaves 0",
            "redis_master_repl_offset ",
            "redis_rdb_last_save_timestamp_seconds ", "redis_aof_enabled 0",
        ] {
            #expect(body.contains(name), "missing \(name)")
        }
        let check = try runTool("promtool", ["check", "metrics"], input: Data(body.utf8))
        #expect(
            check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty,
            "promtool: \(check.stdout)\(check.stderr)")
    }

    @Test("malformed RESP gets -ERR Protocol error and a closed connection")
    func malformed() throws {
        let (server, host, port) = try startStore()
        defer { server.stop() }
        let reply = try runTool(
            "bash", ["-c", "exec 3<>/dev/tcp/\(host)/\(port); printf '*1\\r\\n$x\\r\\n' >&3; cat <&3"])
        #expect(reply.stdout == "-ERR Protocol error: invalid bulk length\r\n")
    }
}
