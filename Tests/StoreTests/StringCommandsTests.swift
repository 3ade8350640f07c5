import Testing

@testable import Store

@Suite struct StringCommandsTests {
    @Test("SET then GET returns the value, GET of a missing key the null bulk string")
    func setAndGet() {
        let store = StoreHarness()
        #expect(store.run("SET", "k", "v") == "+OK\r\n")
        #expect(store.run("GET", "k") == "$1\r\nv\r\n")
        #expect(store.run("GET", "missing") == "$-1\r\n")
    }

    @Test("Short strings are kept inline and read back like any string; longer ones in an array")
    func inlineStrings() {
        let store = StoreHarness()
        let short = String(repeating: "s", count: StoreKey.inlineCapacity)
        let long = String(repeating: "l", count: StoreKey.inlineCapacity + 1)
        store.run("SET", "short", short)
        store.run("SET", "long", long)
        store.run("SET", "number", "42")
        #expect(
            store.executor.keyspace.entries["short"].map { if case .inlineString = $0 { true } else { false } } == true)
        #expect(store.executor.keyspace.entries["long"].map { if case .string = $0 { true } else { false } } == true)
        #expect(store.executor.keyspace.entries["number"].map { if case .integer = $0 { true } else { false } } == true)
        #expect(store.run("GET", "short") == "$23\r\n\(short)\r\n")
        #expect(store.run("STRLEN", "short") == ":23\r\n")
        #expect(store.run("TYPE", "short") == "+string\r\n")
        store.run("SET", "padded", "007")
        #expect(store.run("INCR", "padded") == "-ERR value is not an integer or out of range\r\n")
        store.run("SET", "float", "1.5")
        #expect(store.run("INCRBYFLOAT", "float", "1") == "$3\r\n2.5\r\n")
        #expect(store.run("APPEND", "short", "!") == ":24\r\n")
        #expect(store.run("GET", "short") == "$24\r\n\(short)!\r\n")
        #expect(store.run("GETRANGE", "float", "0", "0") == "$1\r\n2\r\n")
    }

    @Test("SET NX and XX set only when the key is absent or present")
    func setConditions() {
        let store = StoreHarness()
        #expect(store.run("SET", "k", "1", "XX") == "$-1\r\n")
        #expect(store.run("SET", "k", "1", "NX") == "+OK\r\n")
        #expect(store.run("SET", "k", "2", "NX") == "$-1\r\n")
        #expect(store.run("SET", "k", "3", "XX", "GET") == "$1\r\n1\r\n")
        #expect(store.run("SET", "k", "1", "NX", "XX") == "-ERR syntax error\r\n")
    }

    @Test("SET EX expires the key and rejects non-positive times with Redis's message")
    func setExpiry() {
        let store = StoreHarness()
        #expect(store.run("SET", "k", "v", "EX", "10") == "+OK\r\n")
        #expect(store.run("TTL", "k") == ":10\r\n")
        store.advance(milliseconds: 10_000)
        #expect(store.run("GET", "k") == "$-1\r\n")
        #expect(store.run("SET", "k", "v", "EX", "0") == "-ERR invalid expire time in 'set' command\r\n")
        #expect(store.run("SET", "k", "v", "PX", "abc") == "-ERR value is not an integer or out of range\r\n")
        #expect(store.run("SET", "k", "v", "EX", "5", "KEEPTTL") == "-ERR syntax error\r\n")
    }

    @Test("SET KEEPTTL keeps the deadline and a plain SET clears it")
    func keepTTL() {
        let store = StoreHarness()
        store.run("SET", "k", "v", "PX", "5000")
        store.run("SET", "k", "w", "KEEPTTL")
        #expect(store.run("PTTL", "k") == ":5000\r\n")
        store.run("SET", "k", "x")
        #expect(store.run("TTL", "k") == ":-1\r\n")
    }

    @Test("INCR, DECRBY and INCRBYFLOAT count and refuse non-numbers and overflow")
    func counters() {
        let store = StoreHarness()
        #expect(store.run("INCR", "n") == ":1\r\n")
        #expect(store.run("INCRBY", "n", "41") == ":42\r\n")
        #expect(store.run("DECRBY", "n", "2") == ":40\r\n")
        #expect(store.run("GET", "n") == "$2\r\n40\r\n")
        store.run("SET", "s", "abc")
        #expect(store.run("INCR", "s") == "-ERR value is not an integer or out of range\r\n")
        store.run("SET", "max", "9223372036854775807")
        #expect(store.run("INCR", "max") == "-ERR increment or decrement would overflow\r\n")
        #expect(store.run("INCRBYFLOAT", "f", "10.5") == "$4\r\n10.5\r\n")
        #expect(store.run("INCRBYFLOAT", "f", "0.5") == "$2\r\n11\r\n")
        #expect(store.run("INCRBYFLOAT", "s", "1") == "-ERR value is not a valid float\r\n")
    }

    @Test("MSET, MGET and MSETNX work on many keys; MGET gives nil for other types")
    func multiKey() {
        let store = StoreHarness()
        #expect(store.run("MSET", "a", "1", "b", "2") == "+OK\r\n")
        store.run("HSET", "h", "f", "v")
        #expect(store.run("MGET", "a", "b", "h", "c") == "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n$-1\r\n")
        #expect(store.run("MSETNX", "c", "3", "a", "9") == ":0\r\n")
        #expect(store.run("MSETNX", "c", "3", "d", "4") == ":1\r\n")
        #expect(store.run("MSET", "a") == "-ERR wrong number of arguments for 'mset' command\r\n")
    }

    @Test("APPEND, STRLEN, GETRANGE and SETRANGE edit strings as Redis does")
    func editing() {
        let store = StoreHarness()
        #expect(store.run("APPEND", "s", "Hello") == ":5\r\n")
        #expect(store.run("APPEND", "s", " World") == ":11\r\n")
        #expect(store.run("STRLEN", "s") == ":11\r\n")
        #expect(store.run("GETRANGE", "s", "0", "4") == "$5\r\nHello\r\n")
        #expect(store.run("GETRANGE", "s", "-5", "-1") == "$5\r\nWorld\r\n")
        #expect(store.run("GETRANGE", "s", "5", "2") == "$0\r\n\r\n")
        #expect(store.run("SETRANGE", "s", "6", "Redis") == ":11\r\n")
        #expect(store.run("GET", "s") == "$11\r\nHello Redis\r\n")
        #expect(store.run("SETRANGE", "z", "3", "x") == ":4\r\n")
        #expect(store.run("GET", "z") == "$4\r\n\0\0\0x\r\n")
    }

    @Test("SETRANGE at an offset near the largest integer is refused as too long, not an overflow (fuzzer)")
    func setRangeHugeOffset() {
        let store = StoreHarness()
        let tooLong = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"
        #expect(store.run("SETRANGE", "k", "9223372036854775807", "v") == tooLong)
        #expect(store.run("SETRANGE", "k", "9223372036854775806", "vv") == tooLong)
        #expect(store.run("SETRANGE", "k", "536870912", "v") == tooLong)
        #expect(store.run("SETRANGE", "k", "9223372036854775807", "") == ":0\r\n")
        #expect(store.run("EXISTS", "k") == ":0\r\n")
    }

    @Test("GETSET, GETDEL, SETNX and SETEX reply like Redis")
    func getSetFamily() {
        let store = StoreHarness()
        #expect(store.run("SETNX", "k", "1") == ":1\r\n")
        #expect(store.run("SETNX", "k", "2") == ":0\r\n")
        #expect(store.run("GETSET", "k", "3") == "$1\r\n1\r\n")
        #expect(store.run("GETDEL", "k") == "$1\r\n3\r\n")
        #expect(store.run("EXISTS", "k") == ":0\r\n")
        #expect(store.run("SETEX", "k", "0", "v") == "-ERR invalid expire time in 'setex' command\r\n")
        #expect(store.run("SETEX", "k", "100", "v") == "+OK\r\n")
        #expect(store.run("TTL", "k") == ":100\r\n")
    }

    @Test("a string command against a hash gets the WRONGTYPE error")
    func wrongType() {
        let store = StoreHarness()
        store.run("HSET", "h", "f", "v")
        #expect(store.run("GET", "h") == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        #expect(store.run("INCR", "h") == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
    }
}
