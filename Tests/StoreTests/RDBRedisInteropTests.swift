import Foundation
import Testing

@testable import Store

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

    /// What `redis-cli XRANGE key - +` prints for `stream` (not a terminal: one element per line).
    private static func xrangeOutput(_ stream: StoreStream) -> String {
        stream.entries.flatMap { [$0.id.description] + $0.fieldsAndValues.map { String(decoding: $0, as: UTF8.self) } }
            .joined(separator: "\n")
    }

    @Test(
        "redis-server loads our streams: XRANGE gives the same entries, XINFO the same last ID and node count",
        .enabled(if: isRedisInstalled, "redis-server is not installed: Tests/run-all installs it")
    )
    func redisLoadsOurStreams() async throws {
        var small = StoreStream()
        small.append(StreamID(1_700_000_000_000, 0), [Array("name".utf8), Array("ada".utf8)])
        small.append(StreamID(1_700_000_000_000, 1), [Array("name".utf8), Array("bob".utf8), Array("age".utf8), []])
        small.append(StreamID(1_700_000_000_001, 0), [Array("-17".utf8), Array("9223372036854775807".utf8)])
        var emptied = StoreStream()
        emptied.append(StreamID(5, 5), [Array("f".utf8), Array("v".utf8)])
        _ = emptied.remove(StreamID(5, 5))
        let streams: [(String, StoreStream)] = [
            ("small", small), ("many", RDBStreamTests.sampleStream(count: 250)),
            ("wide", RDBStreamTests.sampleStream(count: 30, valueSize: 1000)),
            ("huge", RDBStreamTests.sampleStream(count: 3, valueSize: 10000)), ("emptied", emptied),
        ]
        let entries = streams.map { RDBEntry(key: StoreKey($0.0), value: .stream($0.1), expiresAt: nil) }
        let directory = try RedisServerProcess.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("dump.rdb").path
        try Data(encode(entries)).write(to: URL(fileURLWithPath: path))
        if let check = RedisServerProcess.checkPath {
            let (output, status) = RedisServerProcess.run(check, [path])
            #expect(status == 0, "redis-check-rdb: \(output)")
            #expect(output.contains("RDB looks OK"), "redis-check-rdb: \(output)")
        }

        let server = try #require(try await RedisServerProcess.start(in: directory), "redis-server did not start")
        defer { server.stop() }
        #expect(server.cli(["DBSIZE"]) == "\(streams.count)")
        for (key, stream) in streams {
            #expect(server.cli(["TYPE", key]) == "stream")
            #expect(server.cli(["XLEN", key]) == "\(stream.count)")
            #expect(server.cli(["XRANGE", key, "-", "+"]) == Self.xrangeOutput(stream), "\(key)")
            let info = server.cli(["XINFO", "STREAM", key]).split(separator: "\n").map(String.init)
            let field = { (name: String) in info.firstIndex(of: name).map { info[$0 + 1] } }
            #expect(field("last-generated-id") == stream.lastID.description, "\(key)")
            #expect(field("radix-tree-keys") == "\(RDBEncoder.streamNodes(stream.entries).count)", "\(key)")
        }
        // Redis appends to our last node as to its own.
        #expect(server.cli(["XADD", "many", "*", "field", "x"]).hasSuffix("-0"))
        #expect(server.cli(["XADD", "emptied", "5-5", "f", "v"]).hasPrefix("ERR"))
    }

    @Test(
        "streams redis-server saved decode exactly: several nodes, deleted entries, trimmed and emptied ones, groups",
        .enabled(if: isRedisInstalled, "redis-server is not installed: Tests/run-all installs it")
    )
    func weLoadRedisStreams() async throws {
        let directory = try RedisServerProcess.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try #require(try await RedisServerProcess.start(in: directory), "redis-server did not start")
        defer { server.stop() }

        var commands: [String] = []
        var expected: [String: StoreStream] = [:]
        func add(_ key: String, _ id: StreamID, _ items: [String]) {
            commands.append((["XADD", key, id.description] + items).joined(separator: " "))
            expected[key, default: StoreStream()].append(id, items.map { Array($0.utf8) })
        }
        func delete(_ key: String, _ ids: [StreamID]) {
            commands.append((["XDEL", key] + ids.map(\.description)).joined(separator: " "))
            for id in ids { _ = expected[key]!.remove(id) }
        }
        add("small", StreamID(1, 1), ["a", "1", "b", "2"])
        add("small", StreamID(1, 2), ["a", "3", "b", "four"])
        add("small", StreamID(2, 0), ["c", "x"])
        for index in 1...250 {
            add(
                "big", StreamID(UInt64(index), 0),
                [index % 3 == 0 ? "x" : "f", "value-\(index)", "n", "\(index * 1000)"])
        }
        delete("big", [StreamID(1, 0), StreamID(50, 0), StreamID(101, 0), StreamID(250, 0)])
        for index in 1...5 { add("grouped", StreamID(UInt64(index), 0), ["f", "v\(index)"]) }
        commands += [
            "XGROUP CREATE grouped g 0", "XGROUP CREATE grouped g2 $",
            "XREADGROUP GROUP g alice COUNT 2 STREAMS grouped >", "XGROUP CREATECONSUMER grouped g bob",
        ]
        add("emptied", StreamID(5, 5), ["f", "v"])
        delete("emptied", [StreamID(5, 5)])
        for index in 1...10 { add("trimmed", StreamID(UInt64(index), 0), ["f", "\(index)"]) }
        commands.append("XTRIM trimmed MAXLEN 7")
        _ = expected["trimmed"]!.trim(maxLength: 7, approximate: false, limit: 0)

        server.cli([], input: commands.joined(separator: "\n") + "\n")
        #expect(server.cli(["XINFO", "GROUPS", "grouped"]).contains("g2"))
        #expect(server.cli(["XLEN", "big"]) == "246")
        #expect(server.cli(["SAVE"]) == "OK")
        let snapshot = try RDBDecoder().decode(Array(Data(contentsOf: URL(fileURLWithPath: server.dumpPath))))
        let loaded = Dictionary(uniqueKeysWithValues: snapshot.entries.map { ($0.key, $0.value) })
        #expect(loaded.count == expected.count)
        for (key, stream) in expected {
            guard case .stream(let found) = loaded[StoreKey(key)] else {
                Issue.record("\(key) did not load as a stream")
                continue
            }
            #expect(canonical(.stream(found)) == canonical(.stream(stream)), "\(key)")
            #expect(found.entriesAdded == stream.entriesAdded, "\(key)")
            #expect(found.maxDeletedID == stream.maxDeletedID, "\(key)")
        }
    }
}
