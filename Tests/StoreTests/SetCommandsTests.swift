import Testing

@testable import Store

@Suite struct SetCommandsTests {
    /// The bulk strings of an array or set reply, sorted (set order is unspecified).
    static func members(_ reply: String) -> [String] {
        let lines = reply.split(separator: "\r\n", omittingEmptySubsequences: false).dropFirst()
        return stride(from: 1, to: lines.count, by: 2).map { String(lines[lines.startIndex + $0]) }.sorted()
    }

    @Test("SADD counts new members; SISMEMBER, SMISMEMBER, SCARD and SMEMBERS read them")
    func addAndRead() {
        let store = StoreHarness()
        #expect(store.run("SADD", "s", "a", "b", "a") == ":2\r\n")
        #expect(store.run("SADD", "s", "b", "c") == ":1\r\n")
        #expect(store.run("SCARD", "s") == ":3\r\n")
        #expect(store.run("SISMEMBER", "s", "a") == ":1\r\n")
        #expect(store.run("SISMEMBER", "s", "z") == ":0\r\n")
        #expect(store.run("SMISMEMBER", "s", "a", "z", "c") == "*3\r\n:1\r\n:0\r\n:1\r\n")
        #expect(store.run("SMISMEMBER", "missing", "a") == "*1\r\n:0\r\n")
        let members = store.run("SMEMBERS", "s")
        #expect(members.hasPrefix("*3\r\n"))
        #expect(Self.members(members) == ["a", "b", "c"])
        #expect(store.run("SMEMBERS", "missing") == "*0\r\n")
        #expect(store.run("TYPE", "s") == "+set\r\n")
        store.run("HELLO", "3")
        #expect(store.run("SMEMBERS", "s").hasPrefix("~3\r\n"))
        #expect(store.run("SMEMBERS", "missing") == "~0\r\n")
    }

    @Test("SREM removes members and the key with its last member")
    func remove() {
        let store = StoreHarness()
        store.run("SADD", "s", "a", "b")
        #expect(store.run("SREM", "s", "a", "z") == ":1\r\n")
        #expect(store.run("SREM", "missing", "a") == ":0\r\n")
        #expect(store.run("SREM", "s", "b") == ":1\r\n")
        #expect(store.run("EXISTS", "s") == ":0\r\n")
    }

    @Test("SPOP removes random members: a bulk or null without a count, a set with one")
    func pop() {
        let store = StoreHarness()
        store.run("SADD", "s", "a", "b", "c")
        let one = store.run("SPOP", "s")
        #expect(["$1\r\na\r\n", "$1\r\nb\r\n", "$1\r\nc\r\n"].contains(one))
        #expect(store.run("SCARD", "s") == ":2\r\n")
        #expect(store.run("SPOP", "s", "0") == "*0\r\n")
        #expect(store.run("SPOP", "s", "-1") == "-ERR value is out of range, must be positive\r\n")
        let rest = store.run("SPOP", "s", "10")
        #expect(rest.hasPrefix("*2\r\n"))
        #expect(Set(Self.members(rest) + [String(one.split(separator: "\r\n")[1])]) == ["a", "b", "c"])
        #expect(store.run("EXISTS", "s") == ":0\r\n")
        #expect(store.run("SPOP", "s") == "$-1\r\n")
        #expect(store.run("SPOP", "s", "2") == "*0\r\n")
        #expect(store.run("SPOP", "s", "1", "2") == "-ERR syntax error\r\n")
    }

    @Test("SRANDMEMBER: a positive count gives distinct members, a negative one exactly that many")
    func randomMember() {
        let store = StoreHarness()
        store.run("SADD", "s", "a", "b", "c")
        #expect(["$1\r\na\r\n", "$1\r\nb\r\n", "$1\r\nc\r\n"].contains(store.run("SRANDMEMBER", "s")))
        let two = Self.members(store.run("SRANDMEMBER", "s", "2"))
        #expect(two.count == 2 && Set(two).count == 2)
        #expect(Self.members(store.run("SRANDMEMBER", "s", "10")) == ["a", "b", "c"])
        let repeated = store.run("SRANDMEMBER", "s", "-7")
        #expect(repeated.hasPrefix("*7\r\n"))
        #expect(Set(Self.members(repeated)).isSubset(of: ["a", "b", "c"]))
        #expect(store.run("SRANDMEMBER", "s", "0") == "*0\r\n")
        #expect(store.run("SCARD", "s") == ":3\r\n")
        #expect(store.run("SRANDMEMBER", "missing") == "$-1\r\n")
        #expect(store.run("SRANDMEMBER", "missing", "3") == "*0\r\n")
        #expect(store.run("SRANDMEMBER", "s", "x") == "-ERR value is not an integer or out of range\r\n")
    }

    @Test("SINTER, SUNION and SDIFF treat a missing key as empty and check every key's type")
    func algebra() {
        let store = StoreHarness()
        store.run("SADD", "x", "a", "b", "c")
        store.run("SADD", "y", "b", "c", "d")
        #expect(Self.members(store.run("SINTER", "x", "y")) == ["b", "c"])
        #expect(Self.members(store.run("SUNION", "x", "y")) == ["a", "b", "c", "d"])
        #expect(Self.members(store.run("SDIFF", "x", "y")) == ["a"])
        #expect(store.run("SINTER", "x", "missing") == "*0\r\n")
        #expect(Self.members(store.run("SUNION", "x", "missing")) == ["a", "b", "c"])
        #expect(Self.members(store.run("SDIFF", "x", "missing")) == ["a", "b", "c"])
        #expect(store.run("SDIFF", "missing", "x") == "*0\r\n")
        store.run("SET", "str", "v")
        let wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        #expect(store.run("SINTER", "missing", "str") == wrongType)
        #expect(store.run("SADD", "str", "a") == wrongType)
        #expect(store.run("SMEMBERS", "str") == wrongType)
        #expect(store.run("GET", "x") == wrongType)
        store.run("HELLO", "3")
        #expect(store.run("SUNION", "x", "y").hasPrefix("~4\r\n"))
    }

    @Test("sets work with SCAN TYPE, RENAME and EXPIRE")
    func keys() {
        let store = StoreHarness()
        store.run("SADD", "s", "a")
        store.run("RPUSH", "l", "a")
        #expect(store.run("SCAN", "0", "TYPE", "set") == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\ns\r\n")
        #expect(store.run("RENAME", "s", "t") == "+OK\r\n")
        #expect(store.run("SISMEMBER", "t", "a") == ":1\r\n")
        #expect(store.run("PEXPIRE", "t", "5") == ":1\r\n")
        store.advance(milliseconds: 5)
        #expect(store.run("SCARD", "t") == ":0\r\n")
    }
}
