import Core
import Testing

@testable import Store

/// min-replicas-to-write after the store did not run for a while (SIGSTOP): the replicas' acknowledgements
/// read late do not count until one answers the GETACK sent after the stall.
@Suite struct ReplicaAcknowledgementTests {
    /// A master requiring one replica acknowledged within 2 s, with one replica attached by a partial
    /// resynchronisation (no snapshot needed) that has acknowledged everything.
    private func masterWithReplica() -> (StoreHarness, ClientSession) {
        var configuration = StoreHarness.defaultConfiguration
        configuration.minReplicasToWrite = 1
        configuration.minReplicasMaxLag = 2
        let harness = StoreHarness(configuration: configuration)
        harness.executor.activateBacklog()
        let replica = harness.executor.openSession(peer: "127.0.0.1:50000")
        let id = harness.executor.replication.replicationID
        let offset = harness.executor.replication.masterOffset
        #expect(harness.run(as: replica, "PSYNC", id, String(offset + 1)).hasPrefix("+CONTINUE"))
        harness.run(as: replica, "REPLCONF", "ACK", String(harness.executor.replication.masterOffset))
        return (harness, replica)
    }

    @Test("a replica that acknowledged recently counts; one silent for longer than the lag does not")
    func lag() {
        let (harness, _) = masterWithReplica()
        #expect(harness.run("SET", "a", "1") == "+OK\r\n")
        harness.advance(milliseconds: 2_500)
        #expect(harness.run("SET", "a", "2").hasPrefix("-NOREPLICAS"))
    }

    @Test("after a stall, an acknowledgement queued before it is not enough; one past the GETACK is")
    func stall() {
        let (harness, replica) = masterWithReplica()
        let before = harness.executor.replication.masterOffset
        harness.advance(milliseconds: 3_000)
        harness.executor.replicationCron()
        let fence = harness.executor.replication.masterOffset
        #expect(fence > before, "a GETACK went down the stream")
        // The acknowledgement the replica sent while we were stopped, read only now: it looks fresh, but
        // it does not say the replica still follows us.
        harness.run(as: replica, "REPLCONF", "ACK", String(before))
        #expect(harness.run("SET", "a", "1").hasPrefix("-NOREPLICAS"))
        harness.run(as: replica, "REPLCONF", "ACK", String(fence))
        #expect(harness.run("SET", "a", "1") == "+OK\r\n")
    }

    @Test("the timer's own period is no stall")
    func noStall() {
        let (harness, replica) = masterWithReplica()
        let before = harness.executor.replication.masterOffset
        harness.advance(milliseconds: 100)
        harness.executor.replicationCron()
        harness.run(as: replica, "REPLCONF", "ACK", String(before))
        #expect(harness.run("SET", "a", "1") == "+OK\r\n")
    }
}
