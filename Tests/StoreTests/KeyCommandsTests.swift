import Testing

@testable import Store

@Suite struct KeyCommandsTests {
    @Test("DEL and EXISTS count keys, repeated keys included")
    func deleteAndExists() {
        let store = StoreHarness()
        store.run("MSET", "a", "1", "b", "2")
        #expect(store.run("EXISTS", "a", "a", "c") == ":2\r\n")
        #expect(store.run("DEL", "a", "b", "c") == ":2\r\n")
        #expect(store.run("DBSIZE") == ":0\r\n")
    }

    @Test("EXPIRE, TTL, PTTL and PERSIST follow the clock; an expired key is gone")
    func expiry() {
        let store = StoreHarness()
        store.run("SET", "k", "v")
        #expect(store.run("TTL", "k") == ":-1\r\n")
        #expect(store.run("TTL", "nope") == ":-2\r\n")
        #expect(store.run("EXPIRE", "k", "10") == ":1\r\n")
        store.advance(milliseconds: 2_400)
        #expect(store.run("TTL", "k") == ":8\r\n")
        #expect(store.run("PTTL", "k") == ":7600\r\n")
        #expect(store.run("PERSIST", "k") == ":1\r\n")
        #expect(store.run("PERSIST", "k") == ":0\r\n")
        #expect(store.run("PEXPIRE", "k", "100") == ":1\r\n")
        store.advance(milliseconds: 100)
        #expect(store.run("EXISTS", "k") == ":0\r\n")
        #expect(store.run("EXPIRE", "k", "10") == ":0\r\n")
    }

    @Test("EXPIRE NX, XX, GT and LT set the deadline only under their condition")
    func expireOptions() {
        let store = StoreHarness()
        store.run("SET", "k", "v")
        #expect(store.run("EXPIRE", "k", "10", "XX") == ":0\r\n")
        #expect(store.run("EXPIRE", "k", "10", "NX") == ":1\r\n")
        #expect(store.run("EXPIRE", "k", "5", "GT") == ":0\r\n")
        #expect(store.run("EXPIRE", "k", "5", "LT") == ":1\r\n")
        #expect(store.run("EXPIRE", "k", "5", "NX", "XX").hasPrefix("-ERR NX and XX"))
        #expect(store.run("EXPIRE", "k", "-1") == ":1\r\n")
        #expect(store.run("EXISTS", "k") == ":0\r\n")
    }

    @Test("the active expiry cycle removes expired keys nobody touches")
    func activeExpiry() {
        let store = StoreHarness()
        for index in 0..<50 { store.run("SET", "k\(index)", "v", "PX", "10") }
        store.run("SET", "keep", "v")
        store.advance(milliseconds: 20)
        store.executor.runActiveExpiry()
        #expect(store.executor.keyspace.count == 1)
        #expect(store.run("INFO", "stats").contains("expired_keys:50\r\n"))
    }

    @Test("KEYS matches globs and TYPE names the value's type")
    func keysAndType() {
        let store = StoreHarness()
        store.run("MSET", "user:1", "a", "user:2", "b", "order:1", "c")
        store.run("HSET", "h", "f", "v")
        let reply = store.run("KEYS", "user:*")
        #expect(reply.hasPrefix("*2\r\n") && reply.contains("user:1") && reply.contains("user:2"))
        #expect(store.run("TYPE", "h") == "+hash\r\n")
        #expect(store.run("TYPE", "user:1") == "+string\r\n")
        #expect(store.run("TYPE", "nope") == "+none\r\n")
    }

    @Test("SCAN visits every key once across cursors, with MATCH and TYPE filters")
    func scan() {
        let store = StoreHarness()
        for index in 0..<25 { store.run("SET", "key:\(index)", "v") }
        store.run("HSET", "hash", "f", "v")
        var cursor = "0"
        var seen = 0
        repeat {
            let reply = store.run("SCAN", cursor, "COUNT", "7", "MATCH", "key:*", "TYPE", "string")
            let lines = reply.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            cursor = lines[2]
            seen += lines.filter { $0.hasPrefix("key:") }.count
        } while cursor != "0"
        #expect(seen == 25)
        #expect(store.run("SCAN", "x") == "-ERR invalid cursor\r\n")
    }

    @Test("RENAME moves the value and its deadline; a missing source is an error")
    func rename() {
        let store = StoreHarness()
        store.run("SET", "a", "1", "EX", "50")
        #expect(store.run("RENAME", "a", "b") == "+OK\r\n")
        #expect(store.run("GET", "b") == "$1\r\n1\r\n")
        #expect(store.run("TTL", "b") == ":50\r\n")
        #expect(store.run("RENAME", "a", "c") == "-ERR no such key\r\n")
    }

    @Test("RANDOMKEY returns a key, or nil on an empty keyspace")
    func randomKey() {
        let store = StoreHarness()
        #expect(store.run("RANDOMKEY") == "$-1\r\n")
        store.run("SET", "only", "v")
        #expect(store.run("RANDOMKEY") == "$4\r\nonly\r\n")
    }
}
