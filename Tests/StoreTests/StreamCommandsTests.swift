import Testing

@testable import Store

@Suite struct StreamCommandsTests {
    static let notAbove = "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"
    static let invalidID = "-ERR Invalid stream ID specified as stream command argument\r\n"

    @Test("XADD * takes the clock's milliseconds, then the next sequence within the same millisecond")
    func autoIDs() {
        let store = StoreHarness()
        #expect(store.run("XADD", "s", "*", "f", "v") == "$15\r\n1700000000000-0\r\n")
        #expect(store.run("XADD", "s", "*", "f", "v") == "$15\r\n1700000000000-1\r\n")
        store.advance(milliseconds: 5)
        #expect(store.run("XADD", "s", "*", "f", "v") == "$15\r\n1700000000005-0\r\n")
        store.run("XADD", "s", "1800000000000-7", "f", "v")
        #expect(store.run("XADD", "s", "*", "f", "v") == "$15\r\n1800000000000-8\r\n")
        #expect(store.run("XLEN", "s") == ":5\r\n")
        #expect(store.run("TYPE", "s") == "+stream\r\n")
        #expect(store.run("XLEN", "missing") == ":0\r\n")
    }

    @Test("XADD with explicit and ms-* IDs must go above the top item, and never to 0-0")
    func explicitIDs() {
        let store = StoreHarness()
        #expect(store.run("XADD", "s", "0-0", "f", "v") == "-ERR The ID specified in XADD must be greater than 0-0\r\n")
        #expect(store.run("XADD", "s", "0", "f", "v") == "-ERR The ID specified in XADD must be greater than 0-0\r\n")
        #expect(store.run("EXISTS", "s") == ":0\r\n")
        #expect(store.run("XADD", "s", "5-3", "f", "v") == "$3\r\n5-3\r\n")
        #expect(store.run("XADD", "s", "5-3", "f", "v") == Self.notAbove)
        #expect(store.run("XADD", "s", "5-*", "f", "v") == "$3\r\n5-4\r\n")
        #expect(store.run("XADD", "s", "4-*", "f", "v") == Self.notAbove)
        #expect(store.run("XADD", "s", "6-*", "f", "v") == "$3\r\n6-0\r\n")
        #expect(store.run("XADD", "s", "7", "f", "v") == "$3\r\n7-0\r\n")
        #expect(store.run("XADD", "s", "7-18446744073709551615", "f", "v") == "$22\r\n7-18446744073709551615\r\n")
        #expect(store.run("XADD", "s", "7-*", "f", "v") == "-ERR Elements are too large to be stored\r\n")
        #expect(store.run("XADD", "s", "*", "f", "v") == "$15\r\n1700000000000-0\r\n")
        store.run("XADD", "s", "18446744073709551615-18446744073709551615", "f", "v")
        #expect(
            store.run("XADD", "s", "*", "f", "v")
                == "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n")
        #expect(store.run("XADD", "t", "0-*", "f", "v") == "$3\r\n0-1\r\n")
    }

    @Test("XADD refuses malformed IDs, odd fields, bad trimming options, and other types")
    func addErrors() {
        let store = StoreHarness()
        for id in ["abc", "6-x", "1-2-3", "-", "+", "5-", "-5"] {
            #expect(store.run("XADD", "s", id, "f", "v") == Self.invalidID, "\(id)")
        }
        #expect(store.run("XADD", "s", "*", "f") == "-ERR wrong number of arguments for 'xadd' command\r\n")
        #expect(
            store.run("XADD", "s", "NOMKSTREAM", "*", "f") == "-ERR wrong number of arguments for 'xadd' command\r\n")
        #expect(store.run("XADD", "s", "*", "f", "v", "g") == "-ERR wrong number of arguments for 'xadd' command\r\n")
        #expect(store.run("XADD", "s", "MAXLEN", "-1", "*", "f", "v") == "-ERR The MAXLEN argument must be >= 0.\r\n")
        #expect(
            store.run("XADD", "s", "MAXLEN", "x", "*", "f", "v") == "-ERR value is not an integer or out of range\r\n")
        #expect(
            store.run("XADD", "s", "MAXLEN", "5", "LIMIT", "10", "*", "f", "v")
                == "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n")
        #expect(
            store.run("XADD", "s", "LIMIT", "10", "*", "f", "v")
                == "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n")
        #expect(
            store.run("XADD", "s", "MAXLEN", "~", "5", "LIMIT", "-1", "*", "f", "v")
                == "-ERR The LIMIT argument must be >= 0.\r\n")
        #expect(
            store.run("XADD", "s", "MAXLEN", "5", "MINID", "3", "*", "f", "v")
                == "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n")
        #expect(store.run("XADD", "s", "MINID", "x", "*", "f", "v") == Self.invalidID)
        #expect(store.run("EXISTS", "s") == ":0\r\n")
        #expect(store.run("XADD", "s", "NOMKSTREAM", "*", "f", "v") == "$-1\r\n")
        #expect(store.run("EXISTS", "s") == ":0\r\n")
        store.run("SET", "str", "v")
        #expect(store.run("XADD", "str", "*", "f", "v").hasPrefix("-WRONGTYPE"))
        #expect(store.run("XLEN", "str").hasPrefix("-WRONGTYPE"))
        store.run("XADD", "s", "1-1", "f", "v")
        #expect(store.run("GET", "s").hasPrefix("-WRONGTYPE"))
        #expect(store.run("LPUSH", "s", "x").hasPrefix("-WRONGTYPE"))
    }

    @Test("XRANGE and XREVRANGE read by ID with -, +, bare milliseconds, ( exclusive bounds and COUNT")
    func ranges() {
        let store = StoreHarness()
        store.run("XADD", "s", "1-1", "a", "1")
        store.run("XADD", "s", "2-1", "b", "2", "c", "3")
        store.run("XADD", "s", "2-2", "d", "4")
        store.run("XADD", "s", "3-0", "e", "5")
        let first = "*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
        let second = "*2\r\n$3\r\n2-1\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"
        let third = "*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n"
        let fourth = "*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n"
        #expect(store.run("XRANGE", "s", "-", "+") == "*4\r\n" + first + second + third + fourth)
        #expect(store.run("XRANGE", "s", "2", "2") == "*2\r\n" + second + third)
        #expect(store.run("XRANGE", "s", "(1-1", "(3-0") == "*2\r\n" + second + third)
        #expect(store.run("XRANGE", "s", "-", "+", "COUNT", "2") == "*2\r\n" + first + second)
        #expect(store.run("XRANGE", "s", "3", "1") == "*0\r\n")
        #expect(store.run("XREVRANGE", "s", "+", "-", "COUNT", "1") == "*1\r\n" + fourth)
        #expect(store.run("XREVRANGE", "s", "(3-0", "(1-1") == "*2\r\n" + third + second)
        // A bare end is ms-18446744073709551615, a bare start ms-0, before ( moves them: Redis's reading.
        #expect(store.run("XREVRANGE", "s", "(3", "(1") == "*4\r\n" + fourth + third + second + first)
        #expect(store.run("XRANGE", "s", "-", "+", "COUNT", "0") == "*-1\r\n")
        #expect(store.run("XRANGE", "s", "-", "+", "COUNT", "-1") == "*-1\r\n")
        #expect(store.run("XRANGE", "missing", "-", "+", "COUNT", "0") == "*0\r\n")
        #expect(store.run("XRANGE", "missing", "-", "+") == "*0\r\n")
        store.run("HELLO", "3")
        #expect(store.run("XRANGE", "s", "-", "+", "COUNT", "0") == "_\r\n")
    }

    @Test("XRANGE refuses bad IDs, exclusive - or +, intervals past either end, and unknown options")
    func rangeErrors() {
        let store = StoreHarness()
        store.run("XADD", "s", "1-1", "a", "1")
        #expect(store.run("XRANGE", "s", "(-", "+") == Self.invalidID)
        #expect(store.run("XRANGE", "s", "-", "(+") == Self.invalidID)
        #expect(store.run("XRANGE", "s", "x", "+") == Self.invalidID)
        #expect(store.run("XRANGE", "s", "0-0", "(0-0") == "-ERR invalid end ID for the interval\r\n")
        #expect(
            store.run("XRANGE", "s", "(18446744073709551615-18446744073709551615", "+")
                == "-ERR invalid start ID for the interval\r\n")
        #expect(store.run("XRANGE", "s", "-", "+", "FOO") == "-ERR syntax error\r\n")
        #expect(store.run("XRANGE", "s", "-", "+", "COUNT") == "-ERR syntax error\r\n")
        #expect(store.run("XRANGE", "s", "-", "+", "COUNT", "x") == "-ERR value is not an integer or out of range\r\n")
        store.run("SET", "str", "v")
        #expect(store.run("XRANGE", "str", "-", "+").hasPrefix("-WRONGTYPE"))
    }

    @Test("XDEL removes the named entries and counts them; the emptied stream stays")
    func delete() {
        let store = StoreHarness()
        store.run("XADD", "s", "1-1", "a", "1")
        store.run("XADD", "s", "2-1", "b", "2")
        #expect(store.run("XDEL", "s", "1-1", "9-9", "1-1") == ":1\r\n")
        #expect(store.run("XDEL", "s", "1-1", "x") == Self.invalidID)
        #expect(store.run("XDEL", "missing", "x") == ":0\r\n")
        #expect(store.run("XDEL", "s", "2") == ":0\r\n")
        #expect(store.run("XDEL", "s", "2-1") == ":1\r\n")
        #expect(store.run("XLEN", "s") == ":0\r\n")
        #expect(store.run("EXISTS", "s") == ":1\r\n")
        #expect(store.run("XADD", "s", "2-1", "b", "2") == Self.notAbove)
    }

    @Test("XTRIM and XADD trim by MAXLEN or MINID exactly, and in whole nodes of 100 with ~ and LIMIT")
    func trimming() {
        let store = StoreHarness()
        for ms in 1...250 { store.run("XADD", "s", "\(ms)-0", "f", "v") }
        #expect(store.run("XTRIM", "s", "MAXLEN", "~", "200") == ":0\r\n")
        #expect(store.run("XTRIM", "s", "MAXLEN", "~", "100") == ":100\r\n")
        #expect(store.run("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "120") == ":100\r\n")
        #expect(store.run("XLEN", "s") == ":50\r\n")
        #expect(store.run("XTRIM", "s", "MINID", "211") == ":10\r\n")
        #expect(store.run("XTRIM", "s", "MAXLEN", "=", "30") == ":10\r\n")
        #expect(
            store.run("XRANGE", "s", "-", "+", "COUNT", "1")
                == "*1\r\n*2\r\n$5\r\n221-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n")
        #expect(store.run("XADD", "s", "MAXLEN", "2", "*", "f", "v") == "$15\r\n1700000000000-0\r\n")
        #expect(store.run("XLEN", "s") == ":2\r\n")
        #expect(store.run("XADD", "s", "MINID", "1700000000000", "*", "f", "v") == "$15\r\n1700000000000-1\r\n")
        #expect(store.run("XLEN", "s") == ":2\r\n")
        #expect(store.run("XTRIM", "missing", "MAXLEN", "0") == ":0\r\n")
        #expect(store.run("XTRIM", "s", "FOO", "1") == "-ERR syntax error\r\n")
        #expect(store.run("XTRIM", "s", "MAXLEN", "1", "EXTRA") == "-ERR syntax error\r\n")
        #expect(
            store.run("XTRIM", "s", "LIMIT", "5", "MAXLEN", "1")
                == "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n")
        #expect(store.run("XTRIM", "s") == "-ERR wrong number of arguments for 'xtrim' command\r\n")
        store.run("SET", "str", "v")
        #expect(store.run("XTRIM", "str", "MAXLEN", "1").hasPrefix("-WRONGTYPE"))
    }

    @Test("XSETID moves the last ID, entries added and largest deleted ID, with Redis 7.0's errors")
    func xsetid() throws {
        let store = StoreHarness()
        #expect(store.run("XSETID", "missing", "5-0") == "-ERR no such key\r\n")
        store.run("XADD", "s", "5-1", "f", "v")
        store.run("XADD", "s", "5-2", "f", "v")
        let errors = [
            (["5-1"], "ERR The ID specified in XSETID is smaller than the target stream top item"),
            (
                ["9", "ENTRIESADDED", "1"],
                "ERR The entries_added specified in XSETID is smaller than the target stream length"
            ),
            (["9", "ENTRIESADDED", "-1"], "ERR entries_added must be positive"),
            (["9", "ENTRIESADDED", "x"], "ERR value is not an integer or out of range"),
            (
                ["9", "MAXDELETEDID", "10-0"],
                "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
            ),
            (["9", "MAXDELETEDID", "+"], "ERR Invalid stream ID specified as stream command argument"),
            (["-"], "ERR Invalid stream ID specified as stream command argument"),
            (["9-*"], "ERR Invalid stream ID specified as stream command argument"),
            (["9", "FOO", "1"], "ERR syntax error"),
            (["9", "ENTRIESADDED"], "ERR syntax error"),
        ]
        for (arguments, message) in errors {
            let command = ["XSETID", "s"] + arguments
            #expect(
                store.executor.execute(command, client: store.client).description == "-\(message)\r\n", "\(arguments)")
        }
        #expect(store.run("XSETID", "s", "5-2") == "+OK\r\n")
        #expect(store.run("XSETID", "s", "9-5", "ENTRIESADDED", "7", "MAXDELETEDID", "9-1") == "+OK\r\n")
        #expect(store.run("XADD", "s", "9-5", "f", "v") == Self.notAbove)
        guard case .stream(let stream) = store.executor.keyspace.lookupForRead("s", now: 0) else {
            Issue.record("s is not a stream")
            return
        }
        #expect(stream.lastID == StreamID(9, 5) && stream.entriesAdded == 7 && stream.maxDeletedID == StreamID(9, 1))
        // Once empty, the last ID may go back: no entry is left to keep IDs in order for.
        store.run("XDEL", "s", "5-1", "5-2")
        #expect(store.run("XSETID", "s", "1-0") == "+OK\r\n")
        #expect(store.run("XADD", "s", "2-0", "f", "v") == "$3\r\n2-0\r\n")
        store.run("SET", "str", "v")
        #expect(store.run("XSETID", "str", "1").hasPrefix("-WRONGTYPE"))
        #expect(store.run("XSETID", "s") == "-ERR wrong number of arguments for 'xsetid' command\r\n")
    }

    @Test("Stream commands appear in COMMAND INFO with their arity and key positions")
    func commandInfo() {
        let store = StoreHarness()
        #expect(store.run("COMMAND", "INFO", "xadd").hasPrefix("*1\r\n*10\r\n$4\r\nxadd\r\n:-5\r\n"))
        #expect(store.run("COMMAND", "INFO", "blpop").contains(":1\r\n:-2\r\n:1\r\n"))
    }
}
