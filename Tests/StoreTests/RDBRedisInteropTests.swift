import Foundation
import Store
import Testing

/// Black-box: our RDB files against redis-server 7.0 and redis-check-rdb, both directions.
@Suite(.timeLimit(.minutes(2)))
struct RDBRedisInteropTests {
    static let isRedisInstalled = RedisServerProcess.serverPath != nil && RedisServerProcess.cliPath != nil

    private static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test(
        "redis-check-rdb accepts our snapshot and redis-server loads every key with its type, value and deadline",
        .enabled(if: isRedisInstalled, "redis-server is not installed: Tests/run-all installs it")
    )
    func redisLoadsOurSnapshot() async throws {
        let now = Self.nowMilliseconds()
        // Deadlines an hour ahead: Redis drops keys already expired when it loads a snapshot.
        let entries = sampleEntries().enumerated().map { index, entry in
            RDBEntry(
                key: entry.key, value: entry.value,
                expiresAt: entry.expiresAt.map { _ in now + 3_600_000 + Int64(index) })
        }
        let directory = try RedisServerProcess.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("dump.rdb").path
        try Data(encode(entries, ctime: now / 1000)).write(to: URL(fileURLWithPath: path))

        if let check = RedisServerProcess.checkPath {
            let (output, status) = RedisServerProcess.run(check, [path])
            #expect(status == 0, "redis-check-rdb: \(output)")
            #expect(output.contains("RDB looks OK"), "redis-check-rdb: \(output)")
        }

        let server = try #require(try await RedisServerProcess.start(in: directory), "redis-server did not start")
        defer { server.stop() }
        #expect(server.cli(["DBSIZE"]) == "\(entries.count)")
        #expect(server.cli(["GET", "plain"]) == "hello")
        #expect(server.cli(["GET", "int64"]) == "9223372036854775807")
        #expect(server.cli(["GET", "int32"]) == "-2000000000")
        #expect(server.cli(["STRLEN", "compressible"]) == "4000")
        #expect(server.cli(["STRLEN", "noise"]) == "3000")
        #expect(server.cli(["TYPE", "list"]) == "list")
        #expect(server.cli(["LINDEX", "list", "2"]) == "-5")
        #expect(server.cli(["LLEN", "biglist"]) == "1000")
        #expect(server.cli(["LINDEX", "biglist", "999"]) == "item-999")
        #expect(server.cli(["TYPE", "intset"]) == "set")
        #expect(server.cli(["OBJECT", "ENCODING", "intset"]) == "intset")
        #expect(server.cli(["SISMEMBER", "intset", "9999999999"]) == "1")
        #expect(server.cli(["SCARD", "set"]) == "3")
        #expect(server.cli(["TYPE", "zset"]) == "zset")
        #expect(server.cli(["ZSCORE", "zset", "a"]) == "1.5")
        #expect(server.cli(["ZSCORE", "zset", "b"]) == "-inf")
        #expect(server.cli(["ZCARD", "bigzset"]) == "300")
        #expect(server.cli(["TYPE", "hash"]) == "hash")
        #expect(server.cli(["HGET", "hash", "n"]) == "12345")
        #expect(server.cli(["HGET", "bighash", "field:599"]) == "value:599")
        let ttl = Int(server.cli(["PTTL", "int32"])) ?? -1
        #expect(ttl > 3_500_000 && ttl <= 3_600_000 + 100)
        #expect(server.cli(["PTTL", "plain"]) == "-1")

        // Everything, binary keys included: Redis's own snapshot of what it loaded decodes to our input.
        #expect(server.cli(["SAVE"]) == "OK")
        let saved = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(canonical(try RDBDecoder().decode(saved).entries) == canonical(entries))
    }

    @Test(
        "a snapshot redis-server saved decodes to the keys it held, in every encoding Redis 7.0 writes",
        .enabled(if: isRedisInstalled, "redis-server is not installed: Tests/run-all installs it")
    )
    func weLoadRedisSnapshot() async throws {
        let directory = try RedisServerProcess.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try #require(try await RedisServerProcess.start(in: directory), "redis-server did not start")
        defer { server.stop() }

        var commands: [[String]] = []
        var expected: [RDBEntry] = []
        func add(_ key: String, _ value: StoreValue, _ command: [String]) {
            commands.append(command)
            expected.append(RDBEntry(key: StoreKey(key), value: value, expiresAt: nil))
        }
        func strings(_ items: [String]) -> [[UInt8]] { items.map { Array($0.utf8) } }

        add("str", .string(Array("hello".utf8)), ["SET", "str", "hello"])
        add("int", .integer(12345), ["SET", "int", "12345"])
        add("neg", .integer(-99), ["SET", "neg", "-99"])
        add("huge", .integer(Int.max), ["SET", "huge", "9223372036854775807"])
        let long = String(repeating: "abc", count: 400)
        add("lzf", .string(Array(long.utf8)), ["SET", "lzf", long])
        add("ttl", .string(Array("soon".utf8)), ["SET", "ttl", "soon", "PX", "3600000"])
        let small = ["a", "b", "c", "1", "-2", "300000", "-70000", "5000000000"]
        add("smalllist", .list(StoreList(strings(small))), ["RPUSH", "smalllist"] + small)
        let big = (0..<5000).map { "item-\($0)" } + ["4096", "-1"]
        add("biglist", .list(StoreList(strings(big))), ["RPUSH", "biglist"] + big)
        let integers = ["1", "2", "3", "-4", "100000", "5000000000"]
        add("intset", .set(StoreSet(integers.map { StoreKey($0) })), ["SADD", "intset"] + integers)
        let manyIntegers = (0..<1000).map { String($0 * 3) }
        add("bigintset", .set(StoreSet(manyIntegers.map { StoreKey($0) })), ["SADD", "bigintset"] + manyIntegers)
        add("strset", .set(StoreSet(["x", "y", "z"].map { StoreKey($0) })), ["SADD", "strset", "x", "y", "z"])
        add(
            "smallhash", .hash(["f1": Array("v1".utf8), "f2": Array("2".utf8)]),
            ["HSET", "smallhash", "f1", "v1", "f2", "2"])
        var bigHash: [StoreKey: [UInt8]] = [:]
        var bigHashCommand = ["HSET", "bighash"]
        for index in 0..<300 {
            bigHash[StoreKey("field-\(index)")] = Array("value-\(index)".utf8)
            bigHashCommand += ["field-\(index)", "value-\(index)"]
        }
        add("bighash", .hash(bigHash), bigHashCommand)
        var smallZSet = StoreSortedSet()
        for (member, score) in [("a", 1.0), ("b", 2.5), ("c", -3.0), ("d", 1e20)] {
            smallZSet.set(StoreKey(member), score: score)
        }
        add("smallzset", .sortedSet(smallZSet), ["ZADD", "smallzset", "1", "a", "2.5", "b", "-3", "c", "1e20", "d"])
        var bigZSet = StoreSortedSet()
        var bigZSetCommand = ["ZADD", "bigzset"]
        for index in 0..<300 {
            bigZSet.set(StoreKey("member-\(index)"), score: Double(index) / 4)
            bigZSetCommand += [String(Double(index) / 4), "member-\(index)"]
        }
        add("bigzset", .sortedSet(bigZSet), bigZSetCommand)
        commands.append(["EXPIRE", "biglist", "7200"])

        let before = Self.nowMilliseconds()
        server.cli([], input: commands.map { $0.joined(separator: " ") }.joined(separator: "\n") + "\n")
        let after = Self.nowMilliseconds()
        #expect(server.cli(["DBSIZE"]) == "\(expected.count)")
        #expect(server.cli(["OBJECT", "ENCODING", "biglist"]) == "quicklist")
        // Redis 7.0 keeps even a small list as a quicklist (of one listpack node); 7.2 says listpack.
        #expect(["quicklist", "listpack"].contains(server.cli(["OBJECT", "ENCODING", "smalllist"])))
        #expect(server.cli(["OBJECT", "ENCODING", "intset"]) == "intset")
        #expect(server.cli(["OBJECT", "ENCODING", "smallhash"]) == "listpack")
        #expect(server.cli(["OBJECT", "ENCODING", "smallzset"]) == "listpack")
        #expect(server.cli(["OBJECT", "ENCODING", "bigzset"]) == "skiplist")
        #expect(server.cli(["SAVE"]) == "OK")

        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: server.dumpPath)))
        let snapshot = try RDBDecoder().decode(bytes)
        #expect(snapshot.summary.version == 10)
        #expect(snapshot.summary.auxiliaryFields["redis-ver"].map { String(decoding: $0, as: UTF8.self) } == "7.0.15")
        var deadlines: [StoreKey: Int64] = [:]
        let loaded = snapshot.entries.map { entry in
            if let deadline = entry.expiresAt { deadlines[entry.key] = deadline }
            return RDBEntry(key: entry.key, value: entry.value, expiresAt: nil)
        }
        #expect(canonical(loaded) == canonical(expected))
        #expect(Set(deadlines.keys) == ["ttl", "biglist"])
        #expect((before + 3_600_000...after + 3_600_000).contains(deadlines["ttl"] ?? 0))
        #expect((before + 7_200_000 - 1000...after + 7_200_000 + 1000).contains(deadlines["biglist"] ?? 0))
        if case .integer(12345) = snapshot.entries.first(where: { $0.key == "int" })?.value {
        } else {
            Issue.record("an integer string must load integer-encoded")
        }
    }
}
