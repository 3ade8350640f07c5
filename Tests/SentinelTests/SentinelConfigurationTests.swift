import Core
import Reactor
import Testing

@testable import Sentinel

@Suite struct SentinelConfigurationTests {
    @Test("sentinel.conf directives are read, and the rendered state reads back the same")
    func roundTrip() throws {
        let text = """
            # comment
            port 26380
            bind 127.0.0.9
            sentinel monitor evergreen 127.0.0.2 6379 2
            sentinel down-after-milliseconds evergreen 1000
            sentinel failover-timeout evergreen 10000
            sentinel parallel-syncs evergreen 2
            sentinel auth-pass evergreen s3cret
            """
        var configuration = try SentinelConfiguration.parse(text)
        #expect(configuration.port == 26380 && configuration.bind == "127.0.0.9")
        let master = try #require(configuration.masters.first)
        #expect(master.name == "evergreen" && master.address == SocketAddress("127.0.0.2:6379") && master.quorum == 2)
        #expect(master.downAfter == .milliseconds(1000) && master.failoverTimeout == .milliseconds(10000))
        #expect(master.parallelSyncs == 2 && master.authPass == "s3cret")

        configuration.myID = String(repeating: "ab", count: 20)
        configuration.currentEpoch = 7
        configuration.masters[0].configEpoch = 6
        configuration.masters[0].leaderEpoch = 7
        configuration.masters[0].knownReplicas = [SocketAddress("127.0.0.3:6379")!]
        configuration.masters[0].knownSentinels = [
            (SocketAddress("127.0.0.10:26379")!, String(repeating: "cd", count: 20))
        ]
        #expect(try SentinelConfiguration.parse(configuration.rendered()) == configuration)
    }

    @Test("mistakes name their line and what was expected")
    func problems() {
        #expect(throws: SentinelConfiguration.Problem(line: 1, reason: "unknown directive 'prot'")) {
            try SentinelConfiguration.parse("prot 1")
        }
        #expect(
            throws: SentinelConfiguration.Problem(
                line: 1, reason: "expected 'sentinel monitor <name> <host> <port> <quorum>'")
        ) {
            try SentinelConfiguration.parse("sentinel monitor m 127.0.0.1 6379")
        }
        #expect(
            throws: SentinelConfiguration.Problem(
                line: 2, reason: "'sentinel down-after-milliseconds' names an unknown master (monitor it first)")
        ) {
            try SentinelConfiguration.parse("port 1\nsentinel down-after-milliseconds other 5")
        }
        #expect(
            throws: SentinelConfiguration.Problem(
                line: 1, reason: "the master must be a loopback address, got 10.0.0.1")
        ) {
            try SentinelConfiguration.parse("sentinel monitor m 10.0.0.1 6379 2")
        }
    }

    @Test("the persisted state wins over the file and SENTINEL_MASTER; the environment sets where it listens")
    func resolve() throws {
        let file = "sentinel monitor evergreen 127.0.0.1 6379 2\n"
        let environment = [
            "SENTINEL_MASTER": "127.20.0.2:6379", "STORE_PASSWORD": "pw", "STACK_ADDRESS": "127.20.0.9",
            "STACK_PORT": "26379",
        ]
        let fresh = try SentinelConfiguration.resolve(file: file, state: nil, environment: environment)
        #expect(fresh.masters[0].address == SocketAddress("127.20.0.2:6379") && fresh.masters[0].authPass == "pw")
        #expect(fresh.bind == "127.20.0.9" && fresh.port == 26379)

        var after = fresh
        after.masters[0].address = SocketAddress("127.20.0.3:6379")!
        after.currentEpoch = 3
        let restored = try SentinelConfiguration.resolve(file: file, state: after.rendered(), environment: environment)
        #expect(restored.masters[0].address == SocketAddress("127.20.0.3:6379") && restored.currentEpoch == 3)
    }

    @Test("INFO is read for role, master link, offset, priority and replicas")
    func info() {
        let master = InfoReport(
            "# Server\r\nrun_id:abc\r\n# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"
                + "slave0:ip=127.0.0.3,port=6379,state=online,offset=10,lag=0\r\n"
                + "slave1:ip=127.0.0.4,port=6380,state=online,offset=10,lag=1\r\nmaster_repl_offset:42\r\n")
        #expect(master.runID == "abc" && master.role == .master && master.offset == 42)
        #expect(master.replicas == [SocketAddress("127.0.0.3:6379")!, SocketAddress("127.0.0.4:6380")!])
        let replica = InfoReport(
            "role:slave\r\nmaster_host:127.0.0.2\r\nmaster_port:6379\r\nmaster_link_status:up\r\n"
                + "slave_repl_offset:40\r\nslave_priority:50\r\n")
        #expect(replica.role == .slave && replica.masterAddress == SocketAddress("127.0.0.2:6379"))
        #expect(replica.masterLinkUp && replica.offset == 40 && replica.priority == 50)
    }
}
