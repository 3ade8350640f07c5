import Testing

@testable import Store

@Suite struct EvictionTests {
    /// A store whose "heap" is 100 bytes a key (the test process's real heap moves with other tests).
    private func store(policy: MaxMemoryPolicy, maxMemory: Int) -> StoreHarness {
        var configuration = StoreHarness.defaultConfiguration
        configuration.maxMemory = maxMemory
        configuration.maxMemoryPolicy = policy
        let store = StoreHarness(configuration: configuration)
        store.executor.heapBytesInUse = { [unowned executor = store.executor!] in 1000 + executor.keyspace.count * 100 }
        return store
    }

    @Test("Under noeviction, commands that may grow memory are refused with -OOM; reads and deletes still run")
    func noEviction() {
        let store = store(policy: .noEviction, maxMemory: 500)
        #expect(store.run("SET", "a", "1") == "-OOM command not allowed when used memory > 'maxmemory'.\r\n")
        #expect(store.run("GET", "a") == "$-1\r\n")
        #expect(store.run("DEL", "a") == ":0\r\n")
        #expect(store.run("INFO", "memory").contains("maxmemory_policy:noeviction"))
    }

    @Test("Under allkeys-lru, writes evict keys (propagated as DEL) and are not refused")
    func evictsKeys() {
        let store = store(policy: .noEviction, maxMemory: 0)
        for index in 0..<50 { store.run("SET", "key\(index)", "value") }
        let sink = RecordingSink()
        store.executor.propagationSink = sink
        store.run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
        // 2000 "bytes": room for 10 keys.
        store.run("CONFIG", "SET", "maxmemory", "2000")
        #expect(store.run("SET", "new", "v") == "+OK\r\n")
        #expect(store.executor.keyspace.count == 11)
        #expect(store.executor.evictedKeys == 40)
        #expect(sink.commands.filter { $0.hasPrefix("DEL key") }.count == 40)
        #expect(sink.commands.last == "SET new v")
        #expect(store.run("INFO", "stats").contains("evicted_keys:40"))
    }

    @Test("The LRU candidate among the sampled keys is the one used least recently")
    func leastRecentlyUsed() {
        var keyspace = Keyspace()
        keyspace.trackAccess(true)
        keyspace.setAccessClock(100)
        keyspace.set("old", .integer(1))
        keyspace.setAccessClock(200)
        keyspace.set("new", .integer(2))
        var generator = SystemRandomNumberGenerator()
        // With every key sampled many times over, the oldest always wins.
        for _ in 0..<20 {
            #expect(keyspace.evictionCandidate(samples: 64, using: &generator) == "old")
        }
        keyspace.setAccessClock(300)
        _ = keyspace.lookupForRead("old", now: 0)
        for _ in 0..<20 {
            #expect(keyspace.evictionCandidate(samples: 64, using: &generator) == "new")
        }
    }

    @Test("CONFIG SET maxmemory-policy accepts the implemented policies only")
    func policies() {
        let store = StoreHarness()
        #expect(store.run("CONFIG", "SET", "maxmemory-policy", "allkeys-random") == "+OK\r\n")
        #expect(
            store.run("CONFIG", "GET", "maxmemory-policy")
                == "*2\r\n$16\r\nmaxmemory-policy\r\n$14\r\nallkeys-random\r\n")
        #expect(store.run("CONFIG", "SET", "maxmemory-policy", "volatile-lfu").hasPrefix("-ERR CONFIG SET failed"))
    }
}
