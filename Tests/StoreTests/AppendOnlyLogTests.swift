import Core
import Foundation
import RESP
import Reactor
import Testing

@testable import Store

/// A scratch data directory with an AOF-enabled configuration.
private struct DataDirectory {
    let path: String
    var configuration = StoreConfiguration()

    init(fsync: AppendFsyncPolicy = .always) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("store-aof-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        configuration.dir = path
        configuration.appendOnly = true
        configuration.appendFsync = fsync
        configuration.save = ""
    }

    var aofPath: String { configuration.appendOnlyPath }

    /// A store that loaded this directory.
    func open() throws -> StoreHarness {
        let store = StoreHarness(configuration: configuration)
        try store.executor.loadDataAndOpenLog()
        return store
    }

    func contents() -> [UInt8] { (try? FileSystem.read(aofPath)).flatMap { $0 } ?? [] }

    func append(_ text: String) {
        let handle = FileHandle(forWritingAtPath: aofPath)!
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try? handle.close()
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct AppendOnlyLogTests {
    @Test("Writes logged to the AOF are replayed by a new store")
    func roundTrip() throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let first = try directory.open()
        first.run("SET", "a", "1")
        first.run("INCR", "a")
        first.run("RPUSH", "l", "x", "y")
        first.run("HSET", "h", "f", "v")
        first.run("SET", "t", "v", "EX", "100")
        first.run("MULTI")
        first.run("SADD", "s", "m")
        first.run("ZADD", "z", "1.5", "m")
        first.run("EXEC")
        let second = try directory.open()
        #expect(second.run("GET", "a") == "$1\r\n2\r\n")
        #expect(second.run("LRANGE", "l", "0", "-1") == "*2\r\n$1\r\nx\r\n$1\r\ny\r\n")
        #expect(second.run("HGET", "h", "f") == "$1\r\nv\r\n")
        #expect(second.run("SISMEMBER", "s", "m") == ":1\r\n")
        #expect(second.run("ZSCORE", "z", "m") == "$3\r\n1.5\r\n")
        #expect(second.run("PTTL", "t") == ":100000\r\n")
    }

    @Test("A store that refuses writes for want of replicas, or of memory, still replays its AOF")
    func replayIgnoresWriteGuards() throws {
        var directory = DataDirectory()
        defer { directory.remove() }
        let first = try directory.open()
        first.run("SET", "a", "1")
        first.run("RPUSH", "l", "x")
        directory.configuration.minReplicasToWrite = 1
        directory.configuration.maxMemory = 1
        let second = try directory.open()
        #expect(second.run("GET", "a") == "$1\r\n1\r\n")
        #expect(second.run("LLEN", "l") == ":1\r\n")
        // Clients are still held to the guards.
        #expect(second.run("SET", "b", "2").hasPrefix("-NOREPLICAS"))
    }

    @Test("Turning the AOF on writes the existing data first")
    func startFromExistingData() throws {
        var directory = DataDirectory()
        defer { directory.remove() }
        directory.configuration.appendOnly = false
        let first = try directory.open()
        first.run("SET", "before", "1")
        #expect(first.run("CONFIG", "SET", "appendonly", "yes") == "+OK\r\n")
        first.run("SET", "after", "2")
        directory.configuration.appendOnly = true
        let second = try directory.open()
        #expect(second.run("MGET", "before", "after") == "*2\r\n$1\r\n1\r\n$1\r\n2\r\n")
    }

    @Test("A file torn in the middle of a command loads up to the last whole one and is cut there")
    func truncatedTail() throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let first = try directory.open()
        first.run("SET", "a", "1")
        let validLength = directory.contents().count
        directory.append("*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$2\r\n1")
        let second = try directory.open()
        #expect(second.run("GET", "a") == "$1\r\n1\r\n")
        #expect(second.run("EXISTS", "b") == ":0\r\n")
        #expect(directory.contents().count == validLength)
        second.run("SET", "c", "3")
        let third = try directory.open()
        #expect(third.run("GET", "c") == "$1\r\n3\r\n")
    }

    @Test("A transaction left open by a torn tail is dropped whole")
    func truncatedTransaction() throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let first = try directory.open()
        first.run("SET", "a", "1")
        let validLength = directory.contents().count
        directory.append("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$4\r\nINCR")
        let second = try directory.open()
        #expect(second.run("EXISTS", "b") == ":0\r\n")
        #expect(directory.contents().count == validLength)
    }

    @Test("With aof-load-truncated no, a torn file is refused and left as it was")
    func truncatedRefused() throws {
        var directory = DataDirectory()
        defer { directory.remove() }
        _ = try directory.open().run("SET", "a", "1")
        directory.append("*2\r\n$3\r\nGET")
        let before = directory.contents()
        directory.configuration.aofLoadTruncated = false
        #expect(throws: PersistenceError.self) { try directory.open() }
        #expect(directory.contents() == before)
    }

    @Test("A corrupted file is refused with the offset of the damage, and nothing is overwritten")
    func corrupted() throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        _ = try directory.open().run("SET", "a", "1")
        let offset = directory.contents().count
        directory.append("garbage\r\n*1\r\n$4\r\nPING\r\n")
        let before = directory.contents()
        do {
            _ = try directory.open()
            Issue.record("a corrupted AOF loaded")
        } catch let error as PersistenceError {
            #expect(error == .corruptAppendOnlyFile(offset: offset, reason: "expected '*' starting a command"))
            #expect("\(error)".hasPrefix("unable to load the append-only file: bad format at offset \(offset)"))
        }
        #expect(directory.contents() == before)
    }

    @Test("A rewrite's commands rebuild the same keyspace, long collections and deadlines included")
    func rewriteCommands() throws {
        let source = StoreHarness()
        for index in 0..<150 {
            source.run("RPUSH", "list", "e\(index)")
            source.run("SADD", "set", "m\(index)")
            source.run("ZADD", "zset", "\(Double(index) / 3)", "m\(index)")
            source.run("HSET", "hash", "f\(index)", "v\(index)")
        }
        source.run("SET", "counter", "42")
        source.run("SET", "ttl", "v", "PX", "5000")
        source.run("SET", "gone", "v", "PX", "10")
        source.advance(milliseconds: 20)
        var output: [UInt8] = []
        var writer = KeyspaceCommandWriter { chunk in output += chunk.withUnsafeReadableBytes { Array($0) } }
        try writer.write(source.executor.keyspace, now: source.time)
        let target = StoreHarness()
        target.time = source.time
        let outcome = try AppendOnlyLogLoader.replay(output, into: target.executor)
        #expect(!outcome.isTruncated)
        #expect(target.executor.keyspace.count == 6)
        source.executor.now = source.time
        // A set's order is its own business: compare its members sorted.
        let sortedMembers = { (store: StoreHarness) in
            store.executor.execute(["SMEMBERS", "set"], client: store.client).description.split(separator: "\r\n")
                .sorted()
        }
        #expect(sortedMembers(target) == sortedMembers(source))
        for command in [
            ["LRANGE", "list", "0", "-1"], ["ZRANGE", "zset", "0", "-1", "WITHSCORES"],
            ["HLEN", "hash"], ["GET", "counter"], ["PTTL", "ttl"],
        ] {
            #expect(
                target.executor.execute(command, client: target.client).description
                    == source.executor.execute(command, client: source.client).description)
        }
    }

    @Test("A rewrite keeps streams' last IDs: an emptied stream replays to an empty one, not to nothing")
    func rewriteStreams() throws {
        let source = StoreHarness()
        source.run("XADD", "emptied", "5-1", "f", "v")
        source.run("XADD", "emptied", "5-2", "f", "v")
        source.run("XDEL", "emptied", "5-1", "5-2")
        for index in 1...3 { source.run("XADD", "tail", "\(index)-0", "f", "v\(index)") }
        source.run("XDEL", "tail", "3-0")
        var output: [UInt8] = []
        var writer = KeyspaceCommandWriter { chunk in output += chunk.withUnsafeReadableBytes { Array($0) } }
        try writer.write(source.executor.keyspace, now: source.time)
        let target = StoreHarness()
        _ = try AppendOnlyLogLoader.replay(output, into: target.executor)
        #expect(target.run("EXISTS", "emptied") == ":1\r\n")
        #expect(target.run("TYPE", "emptied") == "+stream\r\n")
        #expect(target.run("XLEN", "emptied") == ":0\r\n")
        #expect(target.run("XADD", "emptied", "5-2", "f", "v").hasPrefix("-ERR The ID specified in XADD is equal"))
        #expect(target.run("XLEN", "tail") == ":2\r\n")
        #expect(target.run("XADD", "tail", "3-0", "f", "v").hasPrefix("-ERR The ID specified in XADD is equal"))
        for key in ["emptied", "tail"] {
            guard case .stream(let copy) = target.executor.keyspace.lookupForRead(StoreKey(key), now: 0),
                case .stream(let original) = source.executor.keyspace.lookupForRead(StoreKey(key), now: 0)
            else {
                Issue.record("\(key) is not a stream")
                continue
            }
            #expect(copy.lastID == original.lastID)
            #expect(copy.entriesAdded == original.entriesAdded)
            #expect(copy.maxDeletedID == original.maxDeletedID)
        }
    }

    @Test("INFO persistence reports the AOF")
    func info() throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        store.run("SET", "a", "1")
        let info = store.run("INFO", "persistence")
        #expect(info.contains("aof_enabled:1"))
        #expect(info.contains("aof_current_size:\(directory.contents().count)"))
        #expect(info.contains("rdb_changes_since_last_save:1"))
    }
}

@Suite struct SaveRulesTests {
    @Test("Save rules parse pairs and fire when any pair is met")
    func rules() {
        let rules = SaveRules("3600 1 300 100 60 10000")!
        #expect(rules.rules.count == 3)
        #expect(
            !rules.shouldSave(changes: 0, secondsSinceLastSave: 99999, lastSaveFailed: false, secondsSinceLastTry: 0))
        #expect(rules.shouldSave(changes: 1, secondsSinceLastSave: 3600, lastSaveFailed: false, secondsSinceLastTry: 0))
        #expect(
            !rules.shouldSave(changes: 99, secondsSinceLastSave: 301, lastSaveFailed: false, secondsSinceLastTry: 0))
        #expect(
            rules.shouldSave(changes: 10000, secondsSinceLastSave: 60, lastSaveFailed: false, secondsSinceLastTry: 0))
        #expect(
            !rules.shouldSave(changes: 10000, secondsSinceLastSave: 60, lastSaveFailed: true, secondsSinceLastTry: 2))
        #expect(SaveRules("")?.rules.isEmpty == true)
        #expect(SaveRules("3600") == nil)
        #expect(SaveRules("x 1") == nil)
    }

    @Test("CONFIG SET save refuses malformed rules")
    func configSet() {
        let store = StoreHarness()
        #expect(store.run("CONFIG", "SET", "save", "10").hasPrefix("-ERR CONFIG SET failed"))
        #expect(store.run("CONFIG", "SET", "save", "10 1") == "+OK\r\n")
    }
}

@Suite struct ConfigRewriteTests {
    @Test("CONFIG REWRITE keeps comments and order, updates values and appends what was missing")
    func rewrite() {
        var configuration = StoreConfiguration()
        configuration.hz = 20
        configuration.appendOnly = true
        configuration.requirePass = "secret"
        let text = "# comment\nhz 10\nmaxclients 10000\n"
        let rewritten = CommandExecutor.rewrittenConfiguration(text, configuration)
        #expect(rewritten.hasPrefix("# comment\nhz 20\nmaxclients 10000\n# Generated by CONFIG REWRITE\n"))
        #expect(rewritten.contains("appendonly yes\n"))
        #expect(!rewritten.contains("secret"))
    }

    @Test("CONFIG REWRITE without a config file is an error that does not abort a transaction")
    func withoutFile() {
        let store = StoreHarness()
        store.run("MULTI")
        store.run("CONFIG", "REWRITE")
        store.run("SET", "a", "1")
        #expect(store.run("EXEC") == "*2\r\n-ERR The server is running without a config file\r\n+OK\r\n")
    }
}
