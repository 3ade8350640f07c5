import Core
import Testing

@testable import Store

/// What a session was sent outside its own requests.
final class DeliveryLog {
    var text = ""

    /// A session of `store`'s executor whose deliveries land in the returned log.
    static func session(of store: StoreHarness) -> (ClientSession, DeliveryLog) {
        let log = DeliveryLog()
        let session = store.executor.openSession()
        session.deliver = { log.text += $0.description }
        return (session, log)
    }
}

@Suite struct PubSubCommandsTests {
    @Test("SUBSCRIBE confirms each channel with the running count; PUBLISH delivers and counts receivers")
    func subscribeAndPublish() {
        let store = StoreHarness()
        let (subscriber, log) = DeliveryLog.session(of: store)
        #expect(
            store.run(as: subscriber, "SUBSCRIBE", "news", "sport")
                == "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$5\r\nsport\r\n:2\r\n")
        #expect(store.run(as: subscriber, "SUBSCRIBE", "news") == "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:2\r\n")
        #expect(store.run("PUBLISH", "news", "hello") == ":1\r\n")
        #expect(log.text == "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n")
        let before = log.text
        #expect(store.run("PUBLISH", "nobody", "hello") == ":0\r\n")
        #expect(log.text == before)
    }

    @Test("PSUBSCRIBE matches globs and delivers pmessage; a client on channel and pattern gets both")
    func patterns() {
        let store = StoreHarness()
        let (subscriber, log) = DeliveryLog.session(of: store)
        #expect(
            store.run(as: subscriber, "PSUBSCRIBE", "news.*")
                == "*3\r\n$10\r\npsubscribe\r\n$6\r\nnews.*\r\n:1\r\n")
        store.run(as: subscriber, "SUBSCRIBE", "news.tech")
        #expect(store.run("PUBLISH", "news.tech", "m") == ":2\r\n")
        #expect(
            log.text
                == "*3\r\n$7\r\nmessage\r\n$9\r\nnews.tech\r\n$1\r\nm\r\n"
                + "*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$9\r\nnews.tech\r\n$1\r\nm\r\n")
        #expect(store.run("PUBLISH", "sport", "m") == ":0\r\n")
        #expect(
            store.run(as: subscriber, "PUNSUBSCRIBE")
                == "*3\r\n$12\r\npunsubscribe\r\n$6\r\nnews.*\r\n:1\r\n")
        #expect(store.run(as: subscriber, "PUNSUBSCRIBE") == "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:1\r\n")
    }

    @Test("UNSUBSCRIBE names channels or takes them all; with none it replies a null channel")
    func unsubscribe() {
        let store = StoreHarness()
        #expect(store.run("UNSUBSCRIBE") == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
        store.run("SUBSCRIBE", "a", "b", "c")
        #expect(
            store.run("UNSUBSCRIBE", "b", "zz")
                == "*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$2\r\nzz\r\n:2\r\n")
        #expect(
            store.run("UNSUBSCRIBE")
                == "*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n")
        #expect(store.run("GET", "k") == "$-1\r\n")
        #expect(store.run("SUBSCRIBE") == "-ERR wrong number of arguments for 'subscribe' command\r\n")
    }

    @Test("A subscribed RESP2 client may only run the pub/sub commands, PING and QUIT; PING replies pong pairs")
    func subscribedContext() {
        let store = StoreHarness()
        store.run("SUBSCRIBE", "a")
        #expect(
            store.run("GET", "k")
                == "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
                + "allowed in this context\r\n")
        #expect(store.run("CLIENT", "LIST").hasPrefix("-ERR Can't execute 'client|list': only"))
        #expect(store.run("PING") == "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        #expect(store.run("PING", "hi") == "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n")
        #expect(store.run("PSUBSCRIBE", "x*") == "*3\r\n$10\r\npsubscribe\r\n$2\r\nx*\r\n:2\r\n")
        #expect(store.run("QUIT") == "+OK\r\n")
    }

    @Test("In RESP3 confirmations and messages are pushes, any command runs, and self-publishing comes first")
    func resp3() {
        let store = StoreHarness()
        store.run("HELLO", "3")
        #expect(store.run("SUBSCRIBE", "a") == ">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n")
        #expect(store.run("GET", "k") == "_\r\n")
        #expect(store.run("PING") == "+PONG\r\n")
        #expect(store.run("PUBLISH", "a", "m") == ">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nm\r\n:1\r\n")
        #expect(store.run("UNSUBSCRIBE") == ">3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n")
        #expect(store.run("UNSUBSCRIBE") == ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n")
    }

    @Test("A RESP2 and a RESP3 subscriber each get the message in their own protocol")
    func mixedProtocols() {
        let store = StoreHarness()
        let (two, twoLog) = DeliveryLog.session(of: store)
        let (three, threeLog) = DeliveryLog.session(of: store)
        store.run(as: three, "HELLO", "3")
        store.run(as: two, "SUBSCRIBE", "c")
        store.run(as: three, "SUBSCRIBE", "c")
        #expect(store.run("PUBLISH", "c", "x") == ":2\r\n")
        #expect(twoLog.text == "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nx\r\n")
        #expect(threeLog.text == ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nx\r\n")
    }

    @Test("PUBSUB CHANNELS, NUMSUB and NUMPAT report subscriptions; bad forms get Redis's errors")
    func introspection() {
        let store = StoreHarness()
        let (first, _) = DeliveryLog.session(of: store)
        let (second, _) = DeliveryLog.session(of: store)
        store.run(as: first, "SUBSCRIBE", "news")
        store.run(as: second, "SUBSCRIBE", "news")
        store.run(as: second, "PSUBSCRIBE", "n*", "m*")
        #expect(store.run("PUBSUB", "CHANNELS") == "*1\r\n$4\r\nnews\r\n")
        #expect(store.run("PUBSUB", "CHANNELS", "x*") == "*0\r\n")
        #expect(store.run("PUBSUB", "NUMSUB", "news", "other") == "*4\r\n$4\r\nnews\r\n:2\r\n$5\r\nother\r\n:0\r\n")
        #expect(store.run("PUBSUB", "NUMSUB") == "*0\r\n")
        #expect(store.run("PUBSUB", "NUMPAT") == ":2\r\n")
        #expect(store.run("PUBSUB", "NUMPAT", "x") == "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n")
        #expect(
            store.run("PUBSUB", "CHANNELS", "a", "b")
                == "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n")
        #expect(store.run("PUBSUB", "FOO") == "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n")
        #expect(store.run("INFO", "stats").contains("pubsub_channels:1\r\npubsub_patterns:2\r\n"))
        #expect(store.run("CLIENT", "LIST", "TYPE", "pubsub").split(separator: "flags=P ").count == 3)
    }

    @Test("Closing a subscriber's session forgets its subscriptions")
    func closeForgets() {
        let store = StoreHarness()
        let (subscriber, _) = DeliveryLog.session(of: store)
        store.run(as: subscriber, "SUBSCRIBE", "a")
        store.run(as: subscriber, "PSUBSCRIBE", "*")
        store.executor.closeSession(subscriber)
        #expect(store.run("PUBLISH", "a", "m") == ":0\r\n")
        #expect(store.run("PUBSUB", "NUMPAT") == ":0\r\n")
        #expect(store.executor.pubSub.channels.isEmpty)
    }
}
