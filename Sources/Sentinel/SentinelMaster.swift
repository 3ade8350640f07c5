import Core
import Reactor

/// How one instance (the master, a replica, a peer sentinel) has been answering.
struct InstanceHealth: Sendable {
    /// When the outstanding PING was sent, nil when none is outstanding.
    var pingSentAt: Instant?
    /// When the instance last answered a PING acceptably (PONG, LOADING, MASTERDOWN), or when we began
    /// watching it.
    var lastOK: Instant
    /// Whether the command connection is up.
    var isConnected = false

    init(now: Instant) { lastOK = now }

    /// Redis Sentinel's rule: down when a PING has gone unanswered for `downAfter`, or, with no PING
    /// outstanding, when the connection has been down that long since the last good reply.
    func isDown(at now: Instant, after downAfter: TimeAmount) -> Bool {
        if let pingSentAt { return now - pingSentAt > downAfter }
        return !isConnected && now - lastOK > downAfter
    }
}

/// A replica of a watched master.
struct ReplicaRecord: Sendable {
    var address: SocketAddress
    var health: InstanceHealth
    var info: InfoReport?
    var infoAt: Instant?
    /// Since when it has disagreed with the configuration (reported itself master, or another master):
    /// it is put right only after `SentinelMaster.settleTime`, so that a sentinel that has not yet heard
    /// of a failover does not undo it.
    var disagreeingSince: Instant?
    /// Whether it is a master this sentinel switched away from: when it comes back still a master, it is
    /// demoted at once (no settle time: its clients must not go on writing to it).
    var isDemotedMaster = false
}

/// Another sentinel watching the same master, learned from its hello messages.
struct PeerRecord: Sendable {
    var runID: String
    var address: SocketAddress
    var lastHello: Instant
    var health: InstanceHealth
    /// Its last answer to `is-master-down-by-addr`: whether it sees the master down, and when it said so.
    var saysMasterDown = false
    var downReplyAt: Instant?
    /// Whom it voted for, and in which epoch (from the same answers).
    var leader: String?
    var leaderEpoch: UInt64 = 0
}

/// A failover this sentinel leads or is trying to lead (Redis Sentinel's failover states).
struct Failover: Sendable {
    enum State: String, Sendable {
        case waitStart = "wait_start"
        case selectReplica = "select_slave"
        case sendPromote = "send_slaveof_noone"
        case waitPromotion = "wait_promotion"
        case reconfReplicas = "reconf_slaves"
    }

    var state: State
    var epoch: UInt64
    var startedAt: Instant
    var stateChangedAt: Instant
    var promoted: SocketAddress?
}

/// A pub/sub event a sentinel announces on its own channels (`+sdown master evergreen 127.0.0.1 6379`).
struct SentinelEvent: Sendable, Equatable {
    var channel: String
    var message: String
}

/// Everything a sentinel knows about one watched master, and the decisions it takes from it: subjective
/// and objective down, votes, the leader, the replica to promote. A value with the clock passed in, so
/// each rule is tested without sockets.
struct SentinelMaster: Sendable {
    var settings: SentinelConfiguration.Master
    var health: InstanceHealth
    var info: InfoReport?
    var infoAt: Instant?
    var replicas: [ReplicaRecord] = []
    var peers: [PeerRecord] = []
    var sdownSince: Instant?
    var odownSince: Instant?
    var failover: Failover?
    /// When the last failover attempt began (led or voted for): another waits 2 x failover-timeout.
    var lastFailoverAttempt: Instant?
    /// This sentinel's vote: the leader it chose and in which epoch.
    var votedFor: String?
    /// When the configuration last changed (a failover ended, or a peer's newer configuration was taken).
    var lastSwitchAt: Instant?
    /// How long after `+odown` this sentinel waits before it asks for votes, drawn at random by the runtime
    /// (below `maxStartDelay`) each time the master goes objectively down. Sentinels started together keep
    /// their PINGs in step, and a killed master's connections all close at once: without it they reach
    /// odown in the same millisecond, each votes for itself, and the split vote costs 2 x failover-timeout.
    /// With it, the first to ask gets the others' votes before they ask.
    var failoverStartDelay: TimeAmount = .zero

    /// The bound of `failoverStartDelay` (Redis Sentinel desynchronises its sentinels by up to 1 s). Three
    /// ticks: two sentinels drawing a tick apart is enough for the first one's vote request to arrive first,
    /// and every 100 ms here is 100 ms more before the api can sell again.
    static let maxStartDelay: TimeAmount = .milliseconds(300)

    init(settings: SentinelConfiguration.Master, now: Instant) {
        self.settings = settings
        health = InstanceHealth(now: now)
        replicas = settings.knownReplicas.map { ReplicaRecord(address: $0, health: InstanceHealth(now: now)) }
        peers = settings.knownSentinels.map {
            PeerRecord(runID: $0.runID, address: $0.address, lastHello: now, health: InstanceHealth(now: now))
        }
    }

    /// How long an instance must disagree with the configuration, with the master healthy all along,
    /// before it is reconfigured (Redis Sentinel waits four hello periods).
    static let settleTime: TimeAmount = .seconds(8 as Int64)

    var name: String { settings.name }

    /// Whether `replica`, as it reports itself, should be pointed at the master now: it disagrees (says it
    /// is a master, or follows another), has done so for `settleTime`, and the master has been up and no
    /// failover has run for as long.
    func shouldReconfigure(_ replica: ReplicaRecord, now: Instant) -> Bool {
        guard failover == nil, sdownSince == nil, let since = replica.disagreeingSince else { return false }
        guard now - health.lastOK < settings.downAfter else { return false }
        if replica.isDemotedMaster && replica.info?.role == .master { return true }
        guard now - since >= SentinelMaster.settleTime else { return false }
        if let last = lastSwitchAt, now - last < SentinelMaster.settleTime { return false }
        return true
    }
    var address: SocketAddress { settings.address }

    // MARK: - Down states

    /// Updates the subjective down state; returns the `+sdown`/`-sdown` event if it changed.
    mutating func updateSubjectiveDown(now: Instant) -> SentinelEvent? {
        let down = health.isDown(at: now, after: settings.downAfter)
        if down, sdownSince == nil {
            sdownSince = now
            return event("+sdown")
        }
        if !down, sdownSince != nil {
            sdownSince = nil
            var events: SentinelEvent? = event("-sdown")
            if odownSince != nil {
                odownSince = nil
                events = event("-odown")
            }
            return events
        }
        return nil
    }

    /// Sentinels that agree the master is down: this one (when it sees it down) and the peers whose
    /// recent answer (within 5 s) said so.
    func downVotes(now: Instant) -> Int {
        guard sdownSince != nil else { return 0 }
        let peers = self.peers.filter { peer in
            peer.saysMasterDown && (peer.downReplyAt.map { now - $0 < .seconds(5 as Int64) } ?? false)
        }
        return 1 + peers.count
    }

    /// Updates the objective down state from the votes; returns `+odown` when it starts.
    mutating func updateObjectiveDown(now: Instant) -> SentinelEvent? {
        let odown = downVotes(now: now) >= settings.quorum
        if odown, odownSince == nil {
            odownSince = now
            return SentinelEvent(
                channel: "+odown",
                message:
                    "master \(name) \(address.host) \(address.port ?? 0) #quorum \(downVotes(now: now))/\(settings.quorum)"
            )
        }
        if !odown, odownSince != nil, sdownSince != nil {
            odownSince = nil
            return event("-odown")
        }
        return nil
    }

    // MARK: - Leader election

    /// The vote this sentinel gives when asked in `epoch` by `candidate`: the first candidate asking in a
    /// newer epoch than the last vote gets it (Raft's rule, as Sentinel applies it). Returns the leader and
    /// epoch to answer with.
    mutating func vote(for candidate: String, epoch: UInt64, now: Instant) -> (leader: String, epoch: UInt64) {
        if epoch > settings.leaderEpoch {
            settings.leaderEpoch = epoch
            votedFor = candidate
            // A sentinel that voted for another does not start its own failover for a while.
            if failover == nil { lastFailoverAttempt = now }
        }
        return (votedFor ?? "*", settings.leaderEpoch)
    }

    /// The leader elected in `epoch`, if one has the votes: at least the quorum and a majority of the
    /// sentinels known (this one included).
    func electedLeader(epoch: UInt64, myID: String) -> String? {
        var counts: [String: Int] = [:]
        if settings.leaderEpoch == epoch, let votedFor { counts[votedFor, default: 0] += 1 }
        for peer in peers where peer.leaderEpoch == epoch {
            if let leader = peer.leader, leader != "*" { counts[leader, default: 0] += 1 }
        }
        let voters = peers.count + 1
        let needed = max(settings.quorum, voters / 2 + 1)
        guard
            let (leader, votes) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }),
            votes >= needed
        else { return nil }
        return leader
    }

    /// Whether a new failover may start: objectively down for `failoverStartDelay`, none running, none tried
    /// (or voted for) within 2 x failover-timeout.
    func mayStartFailover(now: Instant) -> Bool {
        guard let odownSince, failover == nil, now - odownSince >= failoverStartDelay else { return false }
        guard let last = lastFailoverAttempt else { return true }
        return now - last > settings.failoverTimeout + settings.failoverTimeout
    }

    // MARK: - Choosing the replica

    /// The replica to promote, as Sentinel picks: not down, its link to the master not long down, answered
    /// INFO recently, priority not 0; then the lowest priority, the highest offset, the smallest run id.
    func selectReplica(now: Instant) -> SocketAddress? {
        let candidates = replicas.filter { replica in
            guard let info = replica.info, let infoAt = replica.infoAt else { return false }
            guard !replica.health.isDown(at: now, after: settings.downAfter) else { return false }
            guard now - infoAt < .seconds(5 as Int64), info.role == .slave, info.priority > 0 else { return false }
            return true
        }
        return candidates.min { a, b in
            let x = a.info!
            let y = b.info!
            if x.priority != y.priority { return x.priority < y.priority }
            if x.offset != y.offset { return x.offset > y.offset }
            return x.runID < y.runID
        }?.address
    }

    // MARK: - Switching

    /// Makes `newMaster` the master in `epoch`: the old master joins the replicas (to be turned into one
    /// when it comes back), the promoted one leaves them. Returns `+switch-master`.
    mutating func switchMaster(to newMaster: SocketAddress, epoch: UInt64, now: Instant) -> SentinelEvent {
        let old = address
        settings.address = newMaster
        settings.configEpoch = epoch
        replicas.removeAll { $0.address == newMaster }
        if let position = replicas.firstIndex(where: { $0.address == old }) {
            replicas[position].isDemotedMaster = true
        } else {
            var record = ReplicaRecord(address: old, health: InstanceHealth(now: now))
            record.isDemotedMaster = true
            replicas.append(record)
        }
        health = InstanceHealth(now: now)
        info = nil
        infoAt = nil
        sdownSince = nil
        odownSince = nil
        failover = nil
        lastSwitchAt = now
        settings.knownReplicas = replicas.map(\.address)
        return SentinelEvent(
            channel: "+switch-master",
            message: "\(name) \(old.host) \(old.port ?? 0) \(newMaster.host) \(newMaster.port ?? 0)")
    }

    /// `<type> master <name> <ip> <port>`, the shape of most events about the master.
    func event(_ channel: String) -> SentinelEvent {
        SentinelEvent(channel: channel, message: "master \(name) \(address.host) \(address.port ?? 0)")
    }

    /// The flags Sentinel reports (`master`, `s_down`, `o_down`, `failover_in_progress`).
    var flags: String {
        var flags = ["master"]
        if sdownSince != nil { flags.append("s_down") }
        if odownSince != nil { flags.append("o_down") }
        if failover != nil { flags.append("failover_in_progress") }
        return flags.joined(separator: ",")
    }
}
