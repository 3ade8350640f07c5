import Testing

@testable import Store

@Suite struct BlockingListCommandsTests {
    @Test("BLPOP and BRPOP pop at once from the first non-empty list, replying key and element")
    func immediate() {
        let store = StoreHarness()
        store.run("RPUSH", "b", "1", "2", "3")
        #expect(store.run("BLPOP", "a", "b", "0") == "*2\r\n$1\r\nb\r\n$1\r\n1\r\n")
        #expect(store.run("BRPOP", "a", "b", "1.5") == "*2\r\n$1\r\nb\r\n$1\r\n3\r\n")
        #expect(store.run("BRPOP", "b", "0") == "*2\r\n$1\r\nb\r\n$1\r\n2\r\n")
        #expect(store.run("EXISTS", "b") == ":0\r\n")
        #expect(store.executor.blockedClients.isEmpty)
    }

    @Test("Timeouts must be non-negative floats, checked before the keys; WRONGTYPE stops the scan")
    func errors() {
        let store = StoreHarness()
        let notAFloat = "-ERR timeout is not a float or out of range\r\n"
        #expect(store.run("BLPOP", "a", "x") == notAFloat)
        #expect(store.run("BLPOP", "a", "nan") == notAFloat)
        #expect(store.run("BLPOP", "a", "-1") == "-ERR timeout is negative\r\n")
        #expect(store.run("BLPOP", "a", "inf") == "-ERR timeout is negative\r\n")
        #expect(store.run("BLPOP", "a") == "-ERR wrong number of arguments for 'blpop' command\r\n")
        store.run("SET", "s", "v")
        store.run("RPUSH", "l", "x")
        #expect(store.run("BLPOP", "missing", "s", "l", "0").hasPrefix("-WRONGTYPE"))
        #expect(store.run("LLEN", "l") == ":1\r\n")
    }

    @Test("A client blocks when every list is empty, and a push to any of its keys serves it")
    func blockThenServe() {
        let store = StoreHarness()
        let (waiter, log) = DeliveryLog.session(of: store)
        var resumed = 0
        waiter.didUnblock = { resumed += 1 }
        #expect(store.run(as: waiter, "BLPOP", "a", "b", "0") == "")
        #expect(waiter.isBlocked)
        #expect(store.run("INFO", "clients").contains("blocked_clients:1\r\n"))
        #expect(store.run("CLIENT", "LIST").contains("flags=b "))
        #expect(store.run("RPUSH", "b", "x", "y") == ":2\r\n")
        #expect(log.text == "*2\r\n$1\r\nb\r\n$1\r\nx\r\n")
        #expect(resumed == 1 && !waiter.isBlocked)
        #expect(store.run("LRANGE", "b", "0", "-1") == "*1\r\n$1\r\ny\r\n")
        #expect(store.run("INFO", "clients").contains("blocked_clients:0\r\n"))
        #expect(store.executor.keyspace.blockingKeys.isEmpty)
    }

    @Test("Blocked clients are served first come first served, BRPOP from the tail, one element each")
    func fifo() {
        let store = StoreHarness()
        let (first, firstLog) = DeliveryLog.session(of: store)
        let (second, secondLog) = DeliveryLog.session(of: store)
        let (third, thirdLog) = DeliveryLog.session(of: store)
        store.run(as: first, "BRPOP", "q", "0")
        store.run(as: second, "BLPOP", "q", "0")
        store.run(as: third, "BLPOP", "q", "0")
        #expect(store.run("RPUSH", "q", "a", "b") == ":2\r\n")
        #expect(firstLog.text == "*2\r\n$1\r\nq\r\n$1\r\nb\r\n")
        #expect(secondLog.text == "*2\r\n$1\r\nq\r\n$1\r\na\r\n")
        #expect(thirdLog.text.isEmpty && third.isBlocked)
        #expect(store.run("EXISTS", "q") == ":0\r\n")
        store.run("LPUSH", "q", "c")
        #expect(thirdLog.text == "*2\r\n$1\r\nq\r\n$1\r\nc\r\n")
    }

    @Test("A blocked client times out with a null array at its deadline, by the injected clock")
    func timeout() {
        let store = StoreHarness()
        let (waiter, log) = DeliveryLog.session(of: store)
        let (forever, foreverLog) = DeliveryLog.session(of: store)
        let (resp3, resp3Log) = DeliveryLog.session(of: store)
        store.run(as: resp3, "HELLO", "3")
        store.run(as: waiter, "BLPOP", "k", "0.25")
        store.run(as: forever, "BLPOP", "k", "0")
        store.run(as: resp3, "BRPOP", "k", "1")
        store.advance(milliseconds: 249)
        store.executor.expireBlockedClients()
        #expect(log.text.isEmpty && waiter.isBlocked)
        store.advance(milliseconds: 1)
        store.executor.expireBlockedClients()
        #expect(log.text == "*-1\r\n" && !waiter.isBlocked)
        store.advance(milliseconds: 10_000)
        store.executor.expireBlockedClients()
        #expect(resp3Log.text == "_\r\n")
        #expect(foreverLog.text.isEmpty && forever.isBlocked)
        store.run("RPUSH", "k", "v")
        #expect(foreverLog.text == "*2\r\n$1\r\nk\r\n$1\r\nv\r\n")
    }

    @Test("Inside MULTI, BLPOP never blocks: an empty list gives a null array; served after EXEC completes")
    func transaction() {
        let store = StoreHarness()
        store.run("MULTI")
        #expect(store.run("BLPOP", "e", "0") == "+QUEUED\r\n")
        #expect(store.run("EXEC") == "*1\r\n*-1\r\n")
        #expect(!store.client.isBlocked)
        let (waiter, log) = DeliveryLog.session(of: store)
        store.run(as: waiter, "BLPOP", "l", "0")
        store.run("MULTI")
        store.run("RPUSH", "l", "a")
        store.run("LPOP", "l")
        #expect(store.run("EXEC") == "*2\r\n:1\r\n$1\r\na\r\n")
        #expect(log.text.isEmpty && waiter.isBlocked)
    }

    @Test("A key turned into another type keeps its clients blocked; closing or killing a client unblocks it")
    func wrongTypeAndClose() {
        let store = StoreHarness()
        let (waiter, log) = DeliveryLog.session(of: store)
        store.run(as: waiter, "BLPOP", "k", "0")
        store.run("SET", "k", "v")
        #expect(log.text.isEmpty && waiter.isBlocked)
        store.run("DEL", "k")
        let (other, _) = DeliveryLog.session(of: store)
        store.run(as: other, "BLPOP", "k", "k2", "0")
        #expect(store.run("CLIENT", "KILL", "ID", String(waiter.id)) == ":1\r\n")
        #expect(store.executor.blockedClients.count == 1)
        store.executor.closeSession(other)
        #expect(store.executor.blockedClients.isEmpty && store.executor.keyspace.blockingKeys.isEmpty)
        #expect(store.run("RPUSH", "k", "v") == ":1\r\n")
        #expect(store.run("LLEN", "k") == ":1\r\n")
    }

    @Test("A pop by BLPOP invalidates a WATCH on its key")
    func watch() {
        let store = StoreHarness()
        let (waiter, _) = DeliveryLog.session(of: store)
        let (watcher, _) = DeliveryLog.session(of: store)
        store.run(as: waiter, "BLPOP", "k", "0")
        store.run("RPUSH", "k", "a", "b")
        store.run(as: watcher, "WATCH", "k")
        store.run(as: waiter, "BLPOP", "k", "0")
        store.run(as: watcher, "MULTI")
        #expect(store.run(as: watcher, "EXEC") == "*-1\r\n")
    }
}
