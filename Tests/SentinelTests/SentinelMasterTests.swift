import Core
import Reactor
import Testing

@testable import Sentinel

@Suite struct SentinelMasterTests {
    private let start = Instant(nanoseconds: 1_000_000_000_000)

    private func master(quorum: Int = 2, peers: Int = 2) -> SentinelMaster {
        var settings = SentinelConfiguration.Master(
            name: "m", address: SocketAddress("127.0.0.2:6379")!, quorum: quorum)
        settings.downAfter = .milliseconds(1000)
        settings.failoverTimeout = .seconds(10 as Int64)
        settings.knownSentinels = (0..<peers).map { (SocketAddress("127.0.0.1\($0):26379")!, "peer\($0)") }
        var master = SentinelMaster(settings: settings, now: start)
        master.health.isConnected = true
        return master
    }

    @Test("subjectively down when a PING stays unanswered past down-after, or the link stays down that long")
    func subjectiveDown() {
        var m = master()
        m.health.pingSentAt = start
        #expect(m.updateSubjectiveDown(now: start + .milliseconds(900)) == nil)
        #expect(m.updateSubjectiveDown(now: start + .milliseconds(1100))?.channel == "+sdown")
        m.health.pingSentAt = nil
        m.health.lastOK = start + .milliseconds(1200)
        #expect(m.updateSubjectiveDown(now: start + .milliseconds(1300))?.channel == "-sdown")
        m.health.isConnected = false
        #expect(m.updateSubjectiveDown(now: start + .milliseconds(2100)) == nil)
        #expect(m.updateSubjectiveDown(now: start + .milliseconds(2300))?.channel == "+sdown")
    }

    @Test("objectively down once the quorum agrees, counting only recent answers")
    func objectiveDown() {
        var m = master(quorum: 2)
        m.health.pingSentAt = start
        let now = start + .seconds(2 as Int64)
        _ = m.updateSubjectiveDown(now: now)
        #expect(m.updateObjectiveDown(now: now) == nil)
        m.peers[0].saysMasterDown = true
        m.peers[0].downReplyAt = now - .seconds(6 as Int64)  // too old
        #expect(m.updateObjectiveDown(now: now) == nil)
        m.peers[0].downReplyAt = now
        #expect(m.updateObjectiveDown(now: now)?.channel == "+odown")
        #expect(m.mayStartFailover(now: now))
    }

    @Test("a failover starts only once odown has lasted the random start delay; a vote given meanwhile holds it")
    func startDelay() {
        var m = master(quorum: 2)
        m.health.pingSentAt = start
        let now = start + .seconds(2 as Int64)
        _ = m.updateSubjectiveDown(now: now)
        m.peers[0].saysMasterDown = true
        m.peers[0].downReplyAt = now
        #expect(m.updateObjectiveDown(now: now)?.channel == "+odown")
        m.failoverStartDelay = .milliseconds(300)
        #expect(!m.mayStartFailover(now: now + .milliseconds(200)))
        #expect(m.mayStartFailover(now: now + .milliseconds(300)))
        // Another sentinel asked first: this one voted for it and does not start a failover of its own.
        _ = m.vote(for: "other", epoch: 1, now: now + .milliseconds(250))
        #expect(!m.mayStartFailover(now: now + .milliseconds(300)))
        #expect(SentinelMaster.maxStartDelay <= .seconds(1 as Int64))
    }

    @Test("one vote per epoch, to the first candidate; a leader needs the quorum and a majority")
    func election() {
        var m = master(quorum: 2, peers: 2)
        #expect(m.vote(for: "a", epoch: 1, now: start) == ("a", 1))
        #expect(m.vote(for: "b", epoch: 1, now: start) == ("a", 1))
        #expect(m.vote(for: "b", epoch: 2, now: start) == ("b", 2))
        #expect(m.electedLeader(epoch: 2, myID: "me") == nil)  // one vote of three
        m.peers[0].leader = "b"
        m.peers[0].leaderEpoch = 2
        #expect(m.electedLeader(epoch: 2, myID: "me") == "b")
        m.peers[0].leaderEpoch = 1  // a vote from an older epoch does not count
        #expect(m.electedLeader(epoch: 2, myID: "me") == nil)
        // Voting for another holds this sentinel's own failover back for 2 x failover-timeout.
        #expect(m.lastFailoverAttempt == start)
    }

    @Test(
        "the replica promoted: healthy, recent INFO, priority not 0; lowest priority, then highest offset, then run id")
    func replicaChoice() {
        var m = master()
        let now = start + .seconds(1 as Int64)
        func replica(_ octet: Int, priority: Int, offset: Int, runID: String, down: Bool = false) -> ReplicaRecord {
            var info = InfoReport()
            info.role = .slave
            info.priority = priority
            info.offset = offset
            info.runID = runID
            var health = InstanceHealth(now: now)
            health.isConnected = true
            if down { health.pingSentAt = start - .seconds(5 as Int64) }
            return ReplicaRecord(
                address: SocketAddress("127.0.0.\(octet):6379")!, health: health, info: info, infoAt: now)
        }
        m.replicas = [
            replica(3, priority: 100, offset: 10, runID: "c"), replica(4, priority: 100, offset: 20, runID: "d"),
            replica(5, priority: 0, offset: 99, runID: "a"), replica(6, priority: 100, offset: 20, runID: "b"),
            replica(7, priority: 10, offset: 1, runID: "z", down: true),
        ]
        #expect(m.selectReplica(now: now) == SocketAddress("127.0.0.6:6379"))
        m.replicas[3].info?.priority = 200
        #expect(m.selectReplica(now: now) == SocketAddress("127.0.0.4:6379"))
        m.replicas = [replica(5, priority: 0, offset: 99, runID: "a")]
        #expect(m.selectReplica(now: now) == nil)
    }

    @Test("after a switch, the old master is a replica to demote at once; other disagreements settle first")
    func switching() throws {
        var m = master()
        let now = start + .seconds(1 as Int64)
        let event = m.switchMaster(to: SocketAddress("127.0.0.3:6379")!, epoch: 4, now: now)
        #expect(event.channel == "+switch-master" && event.message == "m 127.0.0.2 6379 127.0.0.3 6379")
        #expect(m.address == SocketAddress("127.0.0.3:6379") && m.settings.configEpoch == 4)
        var old = try #require(m.replicas.first { $0.address == SocketAddress("127.0.0.2:6379") })
        #expect(old.isDemotedMaster)
        old.info = InfoReport()
        old.info?.role = .master
        old.disagreeingSince = now
        m.health.lastOK = now
        #expect(m.shouldReconfigure(old, now: now))
        var stranger = ReplicaRecord(address: SocketAddress("127.0.0.9:6379")!, health: InstanceHealth(now: now))
        stranger.disagreeingSince = now
        #expect(!m.shouldReconfigure(stranger, now: now))
        m.health.lastOK = now + .seconds(9 as Int64)
        #expect(m.shouldReconfigure(stranger, now: now + .seconds(9 as Int64)))
    }
}
