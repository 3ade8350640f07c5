import Testing

@testable import Store

@Suite struct OutputBufferLimitsTests {
    @Test("The limits parse per class, as CONFIG SET client-output-buffer-limit takes them")
    func parse() {
        var limits = OutputBufferLimits()
        #expect(limits.apply("pubsub 1mb 512kb 10 slave 0 0 0") == nil)
        #expect(limits[.pubsub] == .init(hard: 1 << 20, soft: 512 << 10, softSeconds: 10))
        #expect(limits[.replica] == .init(hard: 0, soft: 0, softSeconds: 0))
        #expect(limits.description == "normal 0 0 0 slave 0 0 0 pubsub 1048576 524288 10")
        #expect(limits.apply("pubsub 1mb") != nil)
        #expect(limits.apply("teapot 1 1 1") == "Invalid client class specified in buffer limit configuration.")
        #expect(limits[.pubsub].hard == 1 << 20)
    }

    @Test("A subscriber over the hard limit is closed at once; over the soft one only after its seconds")
    func enforce() {
        let store = StoreHarness()
        store.run("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1000 100 2")
        let subscriber = store.executor.openSession()
        var closed = 0
        subscriber.closeConnection = { closed += 1 }
        store.run(as: subscriber, "SUBSCRIBE", "news")
        store.executor.enforceOutputLimit(subscriber, pendingBytes: 50)
        store.executor.enforceOutputLimit(subscriber, pendingBytes: 500)
        #expect(closed == 0)
        store.advance(milliseconds: 1500)
        store.run("PING")
        store.executor.enforceOutputLimit(subscriber, pendingBytes: 500)
        #expect(closed == 0)
        store.advance(milliseconds: 600)
        store.run("PING")
        store.executor.enforceOutputLimit(subscriber, pendingBytes: 500)
        #expect(closed == 1)

        let other = store.executor.openSession()
        other.closeConnection = { closed += 1 }
        store.run(as: other, "SUBSCRIBE", "news")
        store.executor.enforceOutputLimit(other, pendingBytes: 1001)
        #expect(closed == 2)
        // A normal client has no limit by default.
        store.executor.enforceOutputLimit(store.client, pendingBytes: 1 << 30)
        #expect(closed == 2)
    }
}
