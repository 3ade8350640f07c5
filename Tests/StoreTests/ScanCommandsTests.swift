import Testing

@testable import Store

@Suite struct ScanCommandsTests {
    /// Drives `scan` (a cursor in, a raw reply out) until the cursor returns to 0; returns every element.
    private func collect(_ store: StoreHarness, _ arguments: [String], cursorIndex: Int) -> [String] {
        var arguments = arguments
        var elements: [String] = []
        var rounds = 0
        repeat {
            let reply = store.executor.execute(arguments, client: store.client).description
            let lines = reply.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            // *2, $n, cursor, *m, then $len/value pairs.
            arguments[cursorIndex] = lines[2]
            elements += stride(from: 5, to: lines.count - 1, by: 2).map { lines[$0] }
            rounds += 1
        } while arguments[cursorIndex] != "0" && rounds < 1000
        return elements
    }

    @Test("HSCAN returns every field with its value across cursors")
    func hscanVisitsEverything() {
        let store = StoreHarness()
        for index in 0..<25 { store.run("HSET", "h", "f\(index)", "v\(index)") }
        let elements = collect(store, ["HSCAN", "h", "0", "COUNT", "4"], cursorIndex: 2)
        #expect(elements.count == 50)
        var pairs: [String: String] = [:]
        for index in stride(from: 0, to: elements.count, by: 2) { pairs[elements[index]] = elements[index + 1] }
        #expect(pairs.count == 25)
        #expect(pairs["f7"] == "v7")
    }

    @Test("HSCAN with MATCH keeps matching fields and their values")
    func hscanMatch() {
        let store = StoreHarness()
        store.run("HSET", "h", "apple", "1", "banana", "2")
        #expect(store.run("HSCAN", "h", "0", "MATCH", "a*") == "*2\r\n$1\r\n0\r\n*2\r\n$5\r\napple\r\n$1\r\n1\r\n")
    }

    @Test("SSCAN returns every member once across cursors")
    func sscanVisitsEverything() {
        let store = StoreHarness()
        for index in 0..<30 { store.run("SADD", "s", "m\(index)") }
        let members = collect(store, ["SSCAN", "s", "0", "COUNT", "7"], cursorIndex: 2)
        #expect(Set(members).count == 30)
        #expect(members.count == 30)
        #expect(store.run("SSCAN", "s", "0", "MATCH", "m1?", "COUNT", "100").hasPrefix("*2\r\n$1\r\n0\r\n*10\r\n"))
    }

    @Test("ZSCAN pairs members with scores as bulk strings, even in RESP3")
    func zscanScores() {
        let store = StoreHarness()
        store.run("ZADD", "z", "1", "a", "2.5", "b")
        let expected = "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n"
        #expect(store.run("ZSCAN", "z", "0") == expected)
        store.run("HELLO", "3")
        #expect(store.run("ZSCAN", "z", "0") == expected)
    }

    @Test("SCAN returns every key present throughout, while other keys are deleted and inserted")
    func scanWhileKeysChange() {
        let store = StoreHarness()
        // Stable keys last: in a dense array with swap-removal they are what fills the holes that deleting
        // the temporary keys leaves behind the cursor.
        for index in 0..<300 { store.run("SET", "temp:\(index)", "v") }
        for index in 0..<200 { store.run("SET", "stable:\(index)", "v") }
        var seen = Set<String>()
        var cursor = "0"
        var round = 0
        repeat {
            let reply = store.run("SCAN", cursor, "COUNT", "5")
            let lines = reply.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            cursor = lines[2]
            seen.formUnion(stride(from: 5, to: lines.count - 1, by: 2).map { lines[$0] })
            // Between calls: delete the temporary keys in bulk (the table shrinks), or add many (it grows).
            round += 1
            if round % 4 == 1 {
                for index in 0..<300 { store.run("DEL", "temp:\(index)") }
            } else if round % 4 == 3 {
                for index in 0..<1_500 { store.run("SET", "temp:\(index)", "v") }
            }
        } while cursor != "0" && round < 10_000
        #expect(cursor == "0")
        #expect((0..<200).allSatisfy { seen.contains("stable:\($0)") })
    }

    @Test("The SCAN family answers an empty page for a missing key and Redis's errors")
    func errors() {
        let store = StoreHarness()
        #expect(store.run("HSCAN", "missing", "0") == "*2\r\n$1\r\n0\r\n*0\r\n")
        #expect(store.run("SSCAN", "missing", "0") == "*2\r\n$1\r\n0\r\n*0\r\n")
        #expect(store.run("ZSCAN", "missing", "0") == "*2\r\n$1\r\n0\r\n*0\r\n")
        store.run("SET", "str", "v")
        #expect(
            store.run("HSCAN", "str", "0") == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        #expect(store.run("SSCAN", "str", "x") == "-ERR invalid cursor\r\n")
        #expect(store.run("ZSCAN", "str", "0", "COUNT", "0") == "-ERR syntax error\r\n")
        #expect(store.run("HSCAN", "str", "0", "TYPE", "hash") == "-ERR syntax error\r\n")
        #expect(store.run("SSCAN", "str", "0", "MATCH") == "-ERR syntax error\r\n")
        #expect(store.run("SCAN", "0", "TYPE", "string") == "*2\r\n$1\r\n0\r\n*1\r\n$3\r\nstr\r\n")
    }

    @Test("HINCRBYFLOAT adds, creates the field and refuses what Redis refuses")
    func hincrbyfloat() {
        let store = StoreHarness()
        #expect(store.run("HINCRBYFLOAT", "h", "f", "10.5") == "$4\r\n10.5\r\n")
        #expect(store.run("HINCRBYFLOAT", "h", "f", "0.1") == "$4\r\n10.6\r\n")
        #expect(store.run("HINCRBYFLOAT", "h", "f", "-5.6") == "$1\r\n5\r\n")
        #expect(store.run("HGET", "h", "f") == "$1\r\n5\r\n")
        #expect(store.run("HINCRBYFLOAT", "h", "f", "x") == "-ERR value is not a valid float\r\n")
        store.run("HSET", "h", "t", "text")
        #expect(store.run("HINCRBYFLOAT", "h", "t", "1") == "-ERR hash value is not a float\r\n")
        #expect(store.run("HINCRBYFLOAT", "h", "f", "inf") == "-ERR increment would produce NaN or Infinity\r\n")
        store.run("SET", "s", "v")
        #expect(
            store.run("HINCRBYFLOAT", "s", "f", "1")
                == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
    }
}
