import Core
import RESP
import Testing

@testable import Store

/// Records what the executor propagates, as the commands' arguments joined by spaces.
final class RecordingSink: PropagationSink {
    var commands: [String] = []

    func propagate(_ commands: ByteBuffer) {
        var buffer = commands
        var decoder = RESPCommandDecoder()
        while let command = try? decoder.decode(&buffer) { self.commands.append(command.description) }
    }
}

@Suite struct PropagationTests {
    private func recording() -> (StoreHarness, RecordingSink) {
        let store = StoreHarness()
        let sink = RecordingSink()
        store.executor.propagationSink = sink
        return (store, sink)
    }

    @Test("Writes that change data are propagated as sent; reads and no-op writes are not")
    func writesOnly() {
        let (store, sink) = recording()
        store.run("SET", "a", "1")
        store.run("GET", "a")
        store.run("DEL", "missing")
        store.run("SETNX", "a", "2")
        store.run("INCR", "a")
        #expect(sink.commands == ["SET a 1", "INCR a"])
    }

    @Test("Relative expiry times are propagated as absolute deadlines")
    func absoluteDeadlines() {
        let (store, sink) = recording()
        store.run("SET", "a", "v", "EX", "10")
        store.run("EXPIRE", "a", "20")
        store.run("SETEX", "b", "5", "w")
        store.run("PERSIST", "b")
        let deadline10 = store.time + 10_000
        let deadline20 = store.time + 20_000
        let deadline5 = store.time + 5_000
        #expect(
            sink.commands == [
                "SET a v PXAT \(deadline10)", "PEXPIREAT a \(deadline20)", "SET b w PXAT \(deadline5)", "PERSIST b",
            ])
    }

    @Test("An EXPIRE in the past propagates the deletion it caused")
    func expireInThePast() {
        let (store, sink) = recording()
        store.run("SET", "a", "v")
        store.run("EXPIRE", "a", "-1")
        #expect(sink.commands == ["SET a v", "DEL a"])
    }

    @Test("A key found expired is propagated as a DEL before the command that found it")
    func lazyExpiry() {
        let (store, sink) = recording()
        store.run("SET", "a", "v", "PX", "100")
        store.advance(milliseconds: 200)
        store.run("GET", "a")
        #expect(sink.commands.last == "DEL a")
    }

    @Test("INCRBYFLOAT and HINCRBYFLOAT propagate the value they produced")
    func floatIncrements() {
        let (store, sink) = recording()
        store.run("INCRBYFLOAT", "f", "1.5")
        store.run("HINCRBYFLOAT", "h", "x", "0.25")
        #expect(sink.commands == ["SET f 1.5 KEEPTTL", "HSET h x 0.25"])
    }

    @Test("SPOP propagates the members it removed as SREM")
    func spop() {
        let (store, sink) = recording()
        store.run("SADD", "s", "only")
        store.run("SPOP", "s")
        #expect(sink.commands == ["SADD s only", "SREM s only"])
    }

    @Test("EXEC propagates its writes inside MULTI ... EXEC, and nothing for a read-only transaction")
    func transactions() {
        let (store, sink) = recording()
        store.run("MULTI")
        store.run("SET", "a", "1")
        store.run("GET", "a")
        store.run("INCR", "a")
        store.run("EXEC")
        store.run("MULTI")
        store.run("GET", "a")
        store.run("EXEC")
        #expect(sink.commands == ["MULTI", "SET a 1", "INCR a", "EXEC"])
    }

    @Test("FLUSHALL is propagated even on an empty keyspace")
    func flushAll() {
        let (store, sink) = recording()
        store.run("FLUSHALL")
        #expect(sink.commands == ["FLUSHALL"])
    }
}
