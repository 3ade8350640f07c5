import Testing

@testable import Store

@Suite struct HashCommandsTests {
    @Test("HSET counts new fields; HGET, HMGET, HLEN and HEXISTS read them")
    func setAndGet() {
        let store = StoreHarness()
        #expect(store.run("HSET", "h", "a", "1", "b", "2") == ":2\r\n")
        #expect(store.run("HSET", "h", "a", "3") == ":0\r\n")
        #expect(store.run("HGET", "h", "a") == "$1\r\n3\r\n")
        #expect(store.run("HMGET", "h", "a", "zz") == "*2\r\n$1\r\n3\r\n$-1\r\n")
        #expect(store.run("HLEN", "h") == ":2\r\n")
        #expect(store.run("HEXISTS", "h", "b") == ":1\r\n")
        #expect(store.run("HSET", "h", "a") == "-ERR wrong number of arguments for 'hset' command\r\n")
    }

    @Test("HDEL removes fields and the key with its last field; HINCRBY counts")
    func deleteAndIncrement() {
        let store = StoreHarness()
        store.run("HSET", "h", "a", "1")
        #expect(store.run("HINCRBY", "h", "a", "5") == ":6\r\n")
        #expect(store.run("HDEL", "h", "a", "x") == ":1\r\n")
        #expect(store.run("EXISTS", "h") == ":0\r\n")
        store.run("SET", "s", "v")
        #expect(store.run("HGET", "s", "a") == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
    }
}
