import Testing

@testable import Store

@Suite struct ListCommandsTests {
    static let wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

    @Test("LPUSH and RPUSH return the length; LRANGE reads in order with negative and out-of-range indexes")
    func pushAndRange() {
        let store = StoreHarness()
        #expect(store.run("RPUSH", "l", "b", "c") == ":2\r\n")
        #expect(store.run("LPUSH", "l", "a", "z") == ":4\r\n")
        #expect(store.run("LRANGE", "l", "0", "-1") == "*4\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
        #expect(store.run("LRANGE", "l", "-2", "100") == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n")
        #expect(store.run("LRANGE", "l", "-100", "0") == "*1\r\n$1\r\nz\r\n")
        #expect(store.run("LRANGE", "l", "5", "10") == "*0\r\n")
        #expect(store.run("LRANGE", "l", "2", "1") == "*0\r\n")
        #expect(store.run("LRANGE", "missing", "0", "-1") == "*0\r\n")
        #expect(store.run("LRANGE", "l", "x", "1") == "-ERR value is not an integer or out of range\r\n")
        #expect(store.run("LLEN", "l") == ":4\r\n")
        #expect(store.run("LLEN", "missing") == ":0\r\n")
        #expect(store.run("TYPE", "l") == "+list\r\n")
        #expect(store.run("LPUSHX", "missing", "a") == ":0\r\n")
        #expect(store.run("RPUSHX", "l", "d") == ":5\r\n")
    }

    @Test("LPOP and RPOP without a count reply a bulk or null; with one an array, null array or empty array")
    func pop() {
        let store = StoreHarness()
        store.run("RPUSH", "l", "a", "b", "c", "d")
        #expect(store.run("LPOP", "l") == "$1\r\na\r\n")
        #expect(store.run("RPOP", "l") == "$1\r\nd\r\n")
        #expect(store.run("LPOP", "l", "0") == "*0\r\n")
        #expect(store.run("RPOP", "l", "5") == "*2\r\n$1\r\nc\r\n$1\r\nb\r\n")
        #expect(store.run("EXISTS", "l") == ":0\r\n")
        #expect(store.run("LPOP", "l") == "$-1\r\n")
        #expect(store.run("LPOP", "l", "2") == "*-1\r\n")
        #expect(store.run("LPOP", "l", "-1") == "-ERR value is out of range, must be positive\r\n")
        #expect(store.run("LPOP", "l", "1", "2") == "-ERR wrong number of arguments for 'lpop' command\r\n")
        store.run("HELLO", "3")
        #expect(store.run("LPOP", "l") == "_\r\n")
        #expect(store.run("LPOP", "l", "2") == "_\r\n")
    }

    @Test("LINDEX and LSET address from either end; LSET errors on a missing key and out of range")
    func indexAndSet() {
        let store = StoreHarness()
        store.run("RPUSH", "l", "a", "b", "c")
        #expect(store.run("LINDEX", "l", "0") == "$1\r\na\r\n")
        #expect(store.run("LINDEX", "l", "-1") == "$1\r\nc\r\n")
        #expect(store.run("LINDEX", "l", "3") == "$-1\r\n")
        #expect(store.run("LINDEX", "l", "-4") == "$-1\r\n")
        #expect(store.run("LINDEX", "missing", "0") == "$-1\r\n")
        #expect(store.run("LSET", "l", "-1", "z") == "+OK\r\n")
        #expect(store.run("LINDEX", "l", "2") == "$1\r\nz\r\n")
        #expect(store.run("LSET", "l", "3", "z") == "-ERR index out of range\r\n")
        #expect(store.run("LSET", "missing", "0", "z") == "-ERR no such key\r\n")
    }

    @Test("LREM removes from the head with a positive count, from the tail with a negative one, all with 0")
    func remove() {
        let store = StoreHarness()
        store.run("RPUSH", "l", "x", "a", "x", "b", "x", "c", "x")
        #expect(store.run("LREM", "l", "-2", "x") == ":2\r\n")
        #expect(store.run("LRANGE", "l", "0", "-1") == "*5\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\nc\r\n")
        #expect(store.run("LREM", "l", "1", "x") == ":1\r\n")
        #expect(store.run("LRANGE", "l", "0", "-1") == "*4\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\nc\r\n")
        #expect(store.run("LREM", "l", "0", "nope") == ":0\r\n")
        #expect(store.run("LREM", "missing", "0", "x") == ":0\r\n")
        store.run("RPUSH", "only", "x", "x")
        #expect(store.run("LREM", "only", "0", "x") == ":2\r\n")
        #expect(store.run("EXISTS", "only") == ":0\r\n")
    }

    @Test("LTRIM keeps a range, and an empty result deletes the key")
    func trim() {
        let store = StoreHarness()
        store.run("RPUSH", "l", "a", "b", "c", "d", "e")
        #expect(store.run("LTRIM", "l", "1", "-2") == "+OK\r\n")
        #expect(store.run("LRANGE", "l", "0", "-1") == "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n")
        #expect(store.run("LTRIM", "l", "-1", "100") == "+OK\r\n")
        #expect(store.run("LRANGE", "l", "0", "-1") == "*1\r\n$1\r\nd\r\n")
        #expect(store.run("LTRIM", "l", "5", "10") == "+OK\r\n")
        #expect(store.run("EXISTS", "l") == ":0\r\n")
        #expect(store.run("LTRIM", "missing", "0", "1") == "+OK\r\n")
    }

    @Test("list commands on another type reply WRONGTYPE, and string commands on a list do too")
    func wrongType() {
        let store = StoreHarness()
        store.run("SET", "s", "v")
        for command in [
            ["LPUSH", "s", "a"], ["LPOP", "s"], ["LRANGE", "s", "0", "1"], ["LLEN", "s"], ["LSET", "s", "0", "a"],
        ] {
            #expect(store.executor.execute(command, client: store.client).description == Self.wrongType)
        }
        store.run("RPUSH", "l", "a")
        #expect(store.run("GET", "l") == Self.wrongType)
        #expect(store.run("APPEND", "l", "x") == Self.wrongType)
        #expect(store.run("MGET", "l") == "*1\r\n$-1\r\n")
    }

    @Test("lists work with DEL, EXPIRE, RENAME and SCAN TYPE; a ring buffer survives wrap-around")
    func keysAndWrapAround() {
        let store = StoreHarness()
        store.run("RPUSH", "l", "a")
        store.run("SET", "s", "v")
        #expect(store.run("SCAN", "0", "TYPE", "list") == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nl\r\n")
        #expect(store.run("RENAME", "l", "m") == "+OK\r\n")
        #expect(store.run("EXPIRE", "m", "10") == ":1\r\n")
        store.advance(milliseconds: 10_001)
        #expect(store.run("LLEN", "m") == ":0\r\n")
        store.run("RPUSH", "l", "a")
        #expect(store.run("DEL", "l") == ":1\r\n")

        var model: [String] = []
        for round in 0..<100 {
            store.run("LPUSH", "w", "h\(round)")
            model.insert("h\(round)", at: 0)
            store.run("RPUSH", "w", "t\(round)")
            model.append("t\(round)")
            if round % 3 == 0 {
                store.run("LPOP", "w")
                model.removeFirst()
            }
        }
        let expected = "*\(model.count)\r\n" + model.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
        #expect(store.run("LRANGE", "w", "0", "-1") == expected)
        #expect(store.run("RPOP", "w", "1000").hasPrefix("*\(model.count)\r\n"))
        #expect(store.run("EXISTS", "w") == ":0\r\n")
    }
}
