import Testing

@testable import Store

@Suite struct TransactionCommandsTests {
    @Test("MULTI queues commands and EXEC replies an array of their replies, errors included")
    func queueAndExec() {
        let store = StoreHarness()
        #expect(store.run("MULTI") == "+OK\r\n")
        #expect(store.run("SET", "a", "1") == "+QUEUED\r\n")
        #expect(store.run("INCR", "a") == "+QUEUED\r\n")
        #expect(store.run("LPUSH", "a", "x") == "+QUEUED\r\n")
        #expect(store.run("GET", "a") == "+QUEUED\r\n")
        #expect(store.run("GET", "a") == "+QUEUED\r\n")
        #expect(store.executor.keyspace.count == 0)
        #expect(
            store.run("EXEC")
                == "*5\r\n+OK\r\n:2\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
                + "$1\r\n2\r\n$1\r\n2\r\n")
        #expect(store.run("GET", "a") == "$1\r\n2\r\n")
    }

    @Test("An empty transaction replies an empty array")
    func emptyTransaction() {
        let store = StoreHarness()
        store.run("MULTI")
        #expect(store.run("EXEC") == "*0\r\n")
    }

    @Test("An unknown command or a wrong arity inside MULTI makes EXEC answer EXECABORT")
    func execAbort() {
        let store = StoreHarness()
        store.run("MULTI")
        store.run("SET", "a", "1")
        #expect(store.run("NOPE", "x").hasPrefix("-ERR unknown command 'NOPE'"))
        #expect(store.run("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
        #expect(store.run("EXISTS", "a") == ":0\r\n")
        store.run("MULTI")
        #expect(store.run("GET") == "-ERR wrong number of arguments for 'get' command\r\n")
        store.run("SET", "a", "1")
        #expect(store.run("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
        #expect(store.run("EXISTS", "a") == ":0\r\n")
        #expect(store.run("EXEC") == "-ERR EXEC without MULTI\r\n")
    }

    @Test("DISCARD drops the queue; EXEC and DISCARD without MULTI are errors")
    func discard() {
        let store = StoreHarness()
        #expect(store.run("EXEC") == "-ERR EXEC without MULTI\r\n")
        #expect(store.run("DISCARD") == "-ERR DISCARD without MULTI\r\n")
        store.run("MULTI")
        store.run("SET", "a", "1")
        #expect(store.run("DISCARD") == "+OK\r\n")
        #expect(store.run("EXISTS", "a") == ":0\r\n")
        #expect(store.run("SET", "a", "1") == "+OK\r\n")
    }

    @Test("Nested MULTI and WATCH inside MULTI are refused without aborting the transaction")
    func nestedErrors() {
        let store = StoreHarness()
        store.run("MULTI")
        #expect(store.run("MULTI") == "-ERR MULTI calls can not be nested\r\n")
        #expect(store.run("WATCH", "a") == "-ERR WATCH inside MULTI is not allowed\r\n")
        store.run("SET", "a", "1")
        #expect(store.run("EXEC") == "*1\r\n+OK\r\n")
        #expect(store.run("WATCH") == "-ERR wrong number of arguments for 'watch' command\r\n")
    }

    @Test("A write by another client to a watched key makes EXEC reply a null array")
    func watchInvalidatedByAnotherClient() {
        let store = StoreHarness()
        let other = store.executor.openSession()
        store.run("SET", "a", "1")
        #expect(store.run("WATCH", "a") == "+OK\r\n")
        store.run(as: other, "SET", "a", "2")
        store.run("MULTI")
        store.run("SET", "a", "3")
        #expect(store.run("EXEC") == "*-1\r\n")
        #expect(store.run("GET", "a") == "$1\r\n2\r\n")
        #expect(store.executor.keyspace.watchedKeyCount == 0)
        // EXEC unwatched everything: the next transaction runs.
        store.run("MULTI")
        store.run("SET", "a", "3")
        #expect(store.run("EXEC") == "*1\r\n+OK\r\n")
    }

    @Test("An unrelated write leaves the watch intact; RESP3 gets _ for an aborted EXEC")
    func watchUnrelatedAndRESP3() {
        let store = StoreHarness()
        let other = store.executor.openSession()
        store.run("HELLO", "3")
        store.run("WATCH", "a", "b")
        store.run(as: other, "SET", "c", "1")
        store.run("MULTI")
        store.run("SET", "a", "1")
        #expect(store.run("EXEC") == "*1\r\n+OK\r\n")
        store.run("WATCH", "b")
        store.run(as: other, "SADD", "b", "x")
        store.run("MULTI")
        #expect(store.run("EXEC") == "_\r\n")
    }

    @Test("DEL, RENAME, EXPIRE, PERSIST and FLUSHDB of a watched key invalidate it")
    func watchInvalidatedByKeyCommands() {
        let store = StoreHarness()
        let other = store.executor.openSession()
        let writes: [[String]] = [
            ["DEL", "a"], ["RENAME", "a", "z"], ["RENAME", "z", "a"], ["EXPIRE", "a", "100"], ["FLUSHDB"],
            ["APPEND", "a", "x"], ["INCR", "a"],
        ]
        for write in writes {
            store.run("SET", "a", "1")
            store.run("SET", "z", "1")
            store.run("WATCH", "a")
            _ = store.executor.execute(write, client: other)
            store.run("MULTI")
            store.run("PING")
            #expect(store.run("EXEC") == "*-1\r\n", "\(write)")
        }
        store.run("SET", "a", "1", "EX", "100")
        store.run("WATCH", "a")
        store.run(as: other, "PERSIST", "a")
        store.run("MULTI")
        #expect(store.run("EXEC") == "*-1\r\n")
    }

    @Test("FLUSHDB does not invalidate a watched key that did not exist")
    func flushOfMissingKey() {
        let store = StoreHarness()
        let other = store.executor.openSession()
        store.run("SET", "b", "1")
        store.run("WATCH", "a")
        store.run(as: other, "FLUSHDB")
        store.run("MULTI")
        #expect(store.run("EXEC") == "*0\r\n")
    }

    @Test("A watched key that expires before EXEC invalidates the transaction, lazily removed or not")
    func watchInvalidatedByExpiry() {
        let store = StoreHarness()
        store.run("SET", "a", "1", "PX", "100")
        store.run("WATCH", "a")
        store.advance(milliseconds: 200)
        store.run("MULTI")
        #expect(store.run("EXEC") == "*-1\r\n")

        store.run("SET", "a", "1", "PX", "100")
        store.run("WATCH", "a")
        store.advance(milliseconds: 200)
        #expect(store.run("GET", "a") == "$-1\r\n")
        store.run("MULTI")
        #expect(store.run("EXEC") == "*-1\r\n")

        store.run("SET", "a", "1", "PX", "100")
        store.run("WATCH", "a")
        store.advance(milliseconds: 200)
        store.executor.runActiveExpiry()
        store.run("MULTI")
        #expect(store.run("EXEC") == "*-1\r\n")
    }

    @Test("Watching a key that had already expired is not invalidated by its removal")
    func watchAlreadyExpired() {
        let store = StoreHarness()
        store.run("SET", "a", "1", "PX", "100")
        store.advance(milliseconds: 200)
        store.run("WATCH", "a")
        store.run("GET", "a")
        store.run("MULTI")
        #expect(store.run("EXEC") == "*0\r\n")
    }

    @Test("UNWATCH forgets watched keys; a closed client's watches are dropped")
    func unwatch() {
        let store = StoreHarness()
        let other = store.executor.openSession()
        store.run("WATCH", "a")
        #expect(store.run("UNWATCH") == "+OK\r\n")
        store.run(as: other, "SET", "a", "2")
        store.run("MULTI")
        #expect(store.run("EXEC") == "*0\r\n")
        store.run(as: other, "WATCH", "a")
        #expect(store.executor.keyspace.watchedKeyCount == 1)
        store.executor.closeSession(other)
        #expect(store.executor.keyspace.watchedKeyCount == 0)
    }

    @Test("The client's own write to a watched key before MULTI invalidates it too")
    func ownWrite() {
        let store = StoreHarness()
        store.run("WATCH", "a")
        store.run("SET", "a", "1")
        store.run("MULTI")
        #expect(store.run("EXEC") == "*-1\r\n")
    }
}
