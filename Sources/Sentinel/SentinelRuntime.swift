import Core
import RESP
import Reactor
import Store

/// The sentinel's state and work, on one event loop: the watched masters (`SentinelMaster` values), the
/// links to their instances and to the peer sentinels, the clients and their subscriptions. A tick every
/// 100 ms sends what is due (PING every second, INFO every 10 s or every second while the master is down
/// or failing over, a hello every 2 s), re-judges the down states and moves a failover on.
final class SentinelRuntime {
    static let helloChannel = "__sentinel__:hello"

    let loop: EventLoop
    let logger: Logger
    var configuration: SentinelConfiguration
    let myID: String
    var masters: [SentinelMaster] = []
    /// The address and port this sentinel announces in hellos.
    var announced: SocketAddress
    private let statePath: String?
    private(set) var links: [SocketAddress: InstanceLink] = [:]
    private var peerLinks: [SocketAddress: InstanceLink] = [:]
    var sessions: [ObjectIdentifier: SentinelSession] = [:]
    private var nextSessionID = 1
    private var timer: RepeatingTimer?
    private var listener: Listener?
    /// Called after SHUTDOWN has persisted the state and closed everything.
    var onShutdown: (() -> Void)?

    init(configuration: SentinelConfiguration, statePath: String?, loop: EventLoop, logger: Logger) {
        self.loop = loop
        self.logger = logger
        self.statePath = statePath
        var configuration = configuration
        // Sentinel run ids look like the stores' (40 hex digits): the same generator makes both.
        if configuration.myID == nil { configuration.myID = ReplicationID.make() }
        self.configuration = configuration
        myID = configuration.myID!
        announced =
            SocketAddress(host: configuration.bind, port: configuration.port)
            ?? .ipv4(address: 0x7F00_0001, port: 26379)
        let now = loop.now
        masters = configuration.masters.map { SentinelMaster(settings: $0, now: now) }
    }

    /// Listens and starts the tick. Loop thread only.
    func start() throws(IOError) -> SocketAddress {
        let address = SocketAddress(host: configuration.bind, port: configuration.port)!
        let listener = try Listener(address: address, on: loop) { [unowned self] connection in self.accept(connection) }
        self.listener = listener
        announced = listener.address
        configuration.port = listener.address.port ?? configuration.port
        timer = loop.scheduleRepeating(every: .milliseconds(100)) { [unowned self] in self.tick() }
        persist()
        return listener.address
    }

    func stop() {
        timer?.cancel()
        listener?.close()
        for link in links.values { link.close() }
        for link in peerLinks.values { link.close() }
        for session in sessions.values { session.connection.close() }
    }

    private func accept(_ connection: Connection) {
        let session = SentinelSession(connection: connection, runtime: self, id: nextSessionID)
        nextSessionID += 1
        connection.handler = session
        sessions[ObjectIdentifier(session)] = session
    }

    func remove(_ session: SentinelSession) { sessions.removeValue(forKey: ObjectIdentifier(session)) }

    // MARK: - Events

    /// Publishes an event to subscribed clients and logs it.
    func announce(_ event: SentinelEvent) {
        logger.info("event", ["type": event.channel, "detail": event.message])
        for session in sessions.values where session.isSubscribed {
            if session.channels.contains(event.channel) {
                session.deliver(channel: event.channel, message: event.message, pattern: nil)
            }
            for pattern in session.patterns where GlobPattern.matches(pattern, event.channel) {
                session.deliver(channel: event.channel, message: event.message, pattern: pattern)
            }
        }
    }

    /// Writes the configuration with the current state (epochs, master, replicas, peers) atomically.
    func persist() {
        for master in masters {
            guard let index = configuration.masters.firstIndex(where: { $0.name == master.name }) else { continue }
            var settings = master.settings
            settings.knownReplicas = master.replicas.map(\.address)
            settings.knownSentinels = master.peers.map { ($0.address, $0.runID) }
            configuration.masters[index] = settings
        }
        guard let statePath else { return }
        do {
            try FileSystem.writeAtomically(Array(configuration.rendered().utf8), to: statePath, mode: 0o600)
        } catch {
            logger.error("unable to persist the sentinel state", ["path": statePath, "error": "\(error)"])
        }
    }

    // MARK: - The tick

    private func tick() {
        let now = loop.now
        for index in masters.indices {
            monitorInstances(index, now: now)
            monitorPeers(index, now: now)
            if let event = masters[index].updateSubjectiveDown(now: now) { announce(event) }
            if let event = masters[index].updateObjectiveDown(now: now) {
                if event.channel == "+odown" {
                    let bound = SentinelMaster.maxStartDelay.nanoseconds
                    masters[index].failoverStartDelay = .nanoseconds(Int64.random(in: 0..<bound))
                }
                announce(event)
            }
            driveFailover(index, now: now)
        }
    }

    private func link(_ address: SocketAddress, password: String?) -> InstanceLink {
        if let link = links[address] { return link }
        let link = InstanceLink(address: address, isStore: true, password: password, loop: loop)
        link.onHello = { [unowned self] payload in self.receiveHello(payload) }
        links[address] = link
        return link
    }

    /// PING, INFO and hello for the master and its replicas.
    private func monitorInstances(_ index: Int, now: Instant) {
        let master = masters[index]
        let hurried = master.sdownSince != nil || master.failover != nil
        var addresses = [master.address]
        addresses += master.replicas.map(\.address)
        for address in addresses {
            let link = link(address, password: master.settings.authPass)
            link.ensureConnected()
            setConnected(index, address, link.isConnected)
            guard link.isConnected else { continue }
            if now - link.lastPingAt >= .seconds(1 as Int64) {
                link.lastPingAt = now
                markPingSent(index, address, now: now)
                link.send(["PING"]) { [unowned self] reply in self.pingAnswered(index, address, reply) }
            }
            let infoPeriod: TimeAmount = hurried ? .seconds(1 as Int64) : .seconds(10 as Int64)
            if now - link.lastInfoAt >= infoPeriod {
                link.lastInfoAt = now
                link.send(["INFO"]) { [unowned self] reply in
                    guard case .bulkString(let bytes)? = reply else { return }
                    self.infoArrived(index, address, InfoReport(String(decoding: bytes, as: UTF8.self)))
                }
            }
            if now - link.lastHelloAt >= .seconds(2 as Int64) {
                link.lastHelloAt = now
                link.send(["PUBLISH", SentinelRuntime.helloChannel, helloPayload(master)]) { _ in }
            }
        }
    }

    private func setConnected(_ index: Int, _ address: SocketAddress, _ connected: Bool) {
        if address == masters[index].address {
            masters[index].health.isConnected = connected
        } else if let replica = masters[index].replicas.firstIndex(where: { $0.address == address }) {
            masters[index].replicas[replica].health.isConnected = connected
        }
    }

    private func markPingSent(_ index: Int, _ address: SocketAddress, now: Instant) {
        if address == masters[index].address {
            if masters[index].health.pingSentAt == nil { masters[index].health.pingSentAt = now }
        } else if let replica = masters[index].replicas.firstIndex(where: { $0.address == address }) {
            if masters[index].replicas[replica].health.pingSentAt == nil {
                masters[index].replicas[replica].health.pingSentAt = now
            }
        }
    }

    private func pingAnswered(_ index: Int, _ address: SocketAddress, _ reply: RESPValue?) {
        let acceptable: Bool
        switch reply {
        case .simpleString("PONG")?: acceptable = true
        case .error(let message)?: acceptable = message.hasPrefix("LOADING") || message.hasPrefix("MASTERDOWN")
        default: acceptable = false
        }
        guard acceptable, index < masters.count else { return }
        let now = loop.now
        if address == masters[index].address {
            masters[index].health.lastOK = now
            masters[index].health.pingSentAt = nil
        } else if let replica = masters[index].replicas.firstIndex(where: { $0.address == address }) {
            masters[index].replicas[replica].health.lastOK = now
            masters[index].replicas[replica].health.pingSentAt = nil
        }
    }

    private func infoArrived(_ index: Int, _ address: SocketAddress, _ info: InfoReport) {
        guard index < masters.count else { return }
        let now = loop.now
        if address == masters[index].address {
            masters[index].info = info
            masters[index].infoAt = now
            var added = false
            for replica in info.replicas where !masters[index].replicas.contains(where: { $0.address == replica }) {
                masters[index].replicas.append(ReplicaRecord(address: replica, health: InstanceHealth(now: now)))
                announce(SentinelEvent(channel: "+slave", message: replicaMessage(replica, of: masters[index])))
                added = true
            }
            if added { persist() }
            return
        }
        guard let replica = masters[index].replicas.firstIndex(where: { $0.address == address }) else { return }
        masters[index].replicas[replica].info = info
        masters[index].replicas[replica].infoAt = now
        let master = masters[index]
        if let failover = master.failover, failover.promoted == address {
            return  // the failover watches its promoted replica itself
        }
        // An instance that disagrees with the current configuration is put right: a master that should be a
        // replica (an old master back from the dead, a replica promoted by hand) and a replica of the wrong
        // master are pointed at the current one, once the disagreement has lasted (see `shouldReconfigure`).
        let disagrees = info.role == .master || (info.masterAddress.map { $0 != master.address } ?? false)
        if !disagrees {
            masters[index].replicas[replica].disagreeingSince = nil
            return
        }
        if masters[index].replicas[replica].disagreeingSince == nil {
            masters[index].replicas[replica].disagreeingSince = now
        }
        guard masters[index].shouldReconfigure(masters[index].replicas[replica], now: now) else { return }
        masters[index].replicas[replica].disagreeingSince = now
        let channel = info.role == .master ? "+convert-to-slave" : "+fix-slave-config"
        announce(SentinelEvent(channel: channel, message: replicaMessage(address, of: master)))
        reconfigure(address, toReplicate: master)
    }

    /// `REPLICAOF <master>` on `address`.
    private func reconfigure(_ address: SocketAddress, toReplicate master: SentinelMaster) {
        links[address]?.send(["REPLICAOF", master.address.host, String(master.address.port ?? 0)]) { _ in }
    }

    func replicaMessage(_ replica: SocketAddress, of master: SentinelMaster) -> String {
        "slave \(replica.host):\(replica.port ?? 0) \(replica.host) \(replica.port ?? 0) @ \(master.name) "
            + "\(master.address.host) \(master.address.port ?? 0)"
    }

    // MARK: - Peers

    private func helloPayload(_ master: SentinelMaster) -> String {
        [
            announced.host, String(announced.port ?? 0), myID, String(configuration.currentEpoch), master.name,
            master.address.host, String(master.address.port ?? 0), String(master.settings.configEpoch),
        ].joined(separator: ",")
    }

    /// A hello from a peer (or ourselves, ignored): learn the peer, its epoch, and a newer configuration.
    private func receiveHello(_ payload: String) {
        let parts = payload.split(separator: ",").map(String.init)
        guard parts.count == 8, parts[2] != myID,
            let peerAddress = SocketAddress(host: parts[0], port: Int(parts[1]) ?? -1),
            let epoch = UInt64(parts[3]), let index = masters.firstIndex(where: { $0.name == parts[4] }),
            let reportedMaster = SocketAddress(host: parts[5], port: Int(parts[6]) ?? -1),
            let configEpoch = UInt64(parts[7])
        else { return }
        let now = loop.now
        let runID = parts[2]
        if epoch > configuration.currentEpoch {
            configuration.currentEpoch = epoch
            announce(SentinelEvent(channel: "+new-epoch", message: String(epoch)))
            persist()
        }
        if let peer = masters[index].peers.firstIndex(where: { $0.runID == runID }) {
            masters[index].peers[peer].lastHello = now
            masters[index].peers[peer].address = peerAddress
        } else {
            // A restarted peer comes back with its old run id and maybe a new address; one with a new run id
            // at a known address replaces the old record.
            masters[index].peers.removeAll { $0.address == peerAddress }
            masters[index].peers.append(
                PeerRecord(runID: runID, address: peerAddress, lastHello: now, health: InstanceHealth(now: now)))
            announce(
                SentinelEvent(
                    channel: "+sentinel",
                    message: "sentinel \(runID) \(peerAddress.host) \(peerAddress.port ?? 0) @ \(masters[index].name) "
                        + "\(masters[index].address.host) \(masters[index].address.port ?? 0)"))
            persist()
        }
        if configEpoch > masters[index].settings.configEpoch, reportedMaster != masters[index].address {
            announce(masters[index].switchMaster(to: reportedMaster, epoch: configEpoch, now: now))
            persist()
        } else if configEpoch > masters[index].settings.configEpoch {
            masters[index].settings.configEpoch = configEpoch
            persist()
        }
    }

    /// PING the peers every second; while the master is down, ask them every second whether they see it
    /// down too (and, while this sentinel seeks election, for their vote).
    private func monitorPeers(_ index: Int, now: Instant) {
        for peer in masters[index].peers {
            let link: InstanceLink
            if let existing = peerLinks[peer.address] {
                link = existing
            } else {
                link = InstanceLink(address: peer.address, isStore: false, password: nil, loop: loop)
                peerLinks[peer.address] = link
            }
            link.ensureConnected()
            if let position = masters[index].peers.firstIndex(where: { $0.runID == peer.runID }) {
                masters[index].peers[position].health.isConnected = link.isConnected
            }
            guard link.isConnected else { continue }
            if now - link.lastPingAt >= .seconds(1 as Int64) {
                link.lastPingAt = now
                let runID = peer.runID
                link.send(["PING"]) { [unowned self] reply in
                    guard case .simpleString("PONG")? = reply, index < self.masters.count,
                        let peer = self.masters[index].peers.firstIndex(where: { $0.runID == runID })
                    else { return }
                    self.masters[index].peers[peer].health.lastOK = self.loop.now
                }
            }
            // While the master looks down, ask every 250 ms (Redis asks every second): the quorum is reached, and
            // the failover starts, that much sooner.
            guard masters[index].sdownSince != nil, now - link.lastAskAt >= .milliseconds(250) else { continue }
            link.lastAskAt = now
            askPeer(index, peer, link: link)
        }
    }

    private func askPeer(_ index: Int, _ peer: PeerRecord, link: InstanceLink) {
        let master = masters[index]
        var candidate = "*"
        if let failover = master.failover, failover.state == .waitStart { candidate = myID }
        let runID = peer.runID
        link.send([
            "SENTINEL", "is-master-down-by-addr", master.address.host, String(master.address.port ?? 0),
            String(configuration.currentEpoch), candidate,
        ]) { [unowned self] reply in
            guard case .array(let parts)? = reply, parts.count == 3, case .integer(let down) = parts[0],
                index < self.masters.count,
                let position = self.masters[index].peers.firstIndex(where: { $0.runID == runID })
            else { return }
            self.masters[index].peers[position].saysMasterDown = down == 1
            self.masters[index].peers[position].downReplyAt = self.loop.now
            if case .bulkString(let leader) = parts[1], case .integer(let epoch) = parts[2] {
                let name = String(decoding: leader, as: UTF8.self)
                if name != "*" {
                    self.masters[index].peers[position].leader = name
                    self.masters[index].peers[position].leaderEpoch = UInt64(max(0, epoch))
                }
            }
        }
    }

    // MARK: - Failover

    /// Moves the failover on as far as it can go now: the steps that wait for nothing (choosing the
    /// replica, sending the promotion, re-pointing the others) follow each other in the same tick instead
    /// of one a tick (each tick is 100 ms the api cannot sell).
    private func driveFailover(_ index: Int, now: Instant) {
        for _ in 0..<4 {
            let before = masters[index].failover?.state
            driveFailoverStep(index, now: now)
            guard let after = masters[index].failover?.state, after != before else { return }
        }
    }

    private func driveFailoverStep(_ index: Int, now: Instant) {
        if masters[index].mayStartFailover(now: now) { startFailover(index, now: now, forced: false) }
        guard let failover = masters[index].failover else { return }
        let master = masters[index]
        switch failover.state {
        case .waitStart:
            if master.electedLeader(epoch: failover.epoch, myID: myID) == myID {
                announce(SentinelEvent(channel: "+elected-leader", message: master.event("").message))
                setFailoverState(index, .selectReplica, now: now)
            } else if now - failover.startedAt > min(master.settings.failoverTimeout, .seconds(10 as Int64)) {
                announce(SentinelEvent(channel: "-failover-abort-not-elected", message: master.event("").message))
                masters[index].failover = nil
            }
        case .selectReplica:
            guard let chosen = master.selectReplica(now: now) else {
                announce(SentinelEvent(channel: "-failover-abort-no-good-slave", message: master.event("").message))
                masters[index].failover = nil
                return
            }
            masters[index].failover?.promoted = chosen
            announce(SentinelEvent(channel: "+selected-slave", message: replicaMessage(chosen, of: master)))
            setFailoverState(index, .sendPromote, now: now)
        case .sendPromote:
            guard let promoted = failover.promoted, let link = links[promoted], link.isConnected else {
                if now - failover.stateChangedAt > master.settings.failoverTimeout {
                    abort(index, "send-slaveof-noone")
                }
                return
            }
            setFailoverState(index, .waitPromotion, now: now)
            link.send(["REPLICAOF", "NO", "ONE"]) { [unowned self] reply in
                if case .simpleString = reply {
                    // Ask its role now rather than at the next tick, and move on as soon as it answers.
                    link.lastInfoAt = self.loop.now
                    link.send(["INFO"]) { [unowned self] reply in
                        guard case .bulkString(let bytes)? = reply, index < self.masters.count else { return }
                        self.infoArrived(index, promoted, InfoReport(String(decoding: bytes, as: UTF8.self)))
                        self.driveFailover(index, now: self.loop.now)
                    }
                } else {
                    self.logger.warning(
                        "promotion refused", ["replica": promoted, "reply": "\(String(describing: reply))"])
                }
            }
        case .waitPromotion:
            guard let promoted = failover.promoted else { return abort(index, "no-promoted") }
            if let replica = master.replicas.first(where: { $0.address == promoted }), replica.info?.role == .master,
                let infoAt = replica.infoAt, infoAt > failover.stateChangedAt
            {
                announce(SentinelEvent(channel: "+promoted-slave", message: replicaMessage(promoted, of: master)))
                setFailoverState(index, .reconfReplicas, now: now)
            } else if now - failover.stateChangedAt > master.settings.failoverTimeout {
                abort(index, "wait-promotion")
            }
        case .reconfReplicas:
            guard let promoted = failover.promoted else { return abort(index, "no-promoted") }
            for replica in master.replicas where replica.address != promoted {
                guard let link = links[replica.address], link.isConnected else { continue }
                link.send(["REPLICAOF", promoted.host, String(promoted.port ?? 0)]) { _ in }
                announce(
                    SentinelEvent(channel: "+slave-reconf-sent", message: replicaMessage(replica.address, of: master)))
            }
            announce(SentinelEvent(channel: "+failover-end", message: master.event("").message))
            announce(masters[index].switchMaster(to: promoted, epoch: failover.epoch, now: now))
            persist()
            // Tell the peers now (through the instances' hello channel) rather than at the next period.
            for link in links.values { link.lastHelloAt = .distantPast }
        }
    }

    /// Begins a failover in a new epoch: votes for itself and asks the peers (unless `forced`, as SENTINEL
    /// FAILOVER is, which needs no agreement).
    func startFailover(_ index: Int, now: Instant, forced: Bool) {
        configuration.currentEpoch += 1
        let epoch = configuration.currentEpoch
        announce(SentinelEvent(channel: "+new-epoch", message: String(epoch)))
        announce(SentinelEvent(channel: "+try-failover", message: masters[index].event("").message))
        _ = masters[index].vote(for: myID, epoch: epoch, now: now)
        masters[index].lastFailoverAttempt = now
        masters[index].failover = Failover(
            state: forced ? .selectReplica : .waitStart, epoch: epoch, startedAt: now, stateChangedAt: now)
        announce(
            SentinelEvent(channel: "+vote-for-leader", message: "\(myID) \(epoch)"))
        persist()
        for peer in masters[index].peers {
            if let link = peerLinks[peer.address], link.isConnected { askPeer(index, peer, link: link) }
        }
    }

    private func setFailoverState(_ index: Int, _ state: Failover.State, now: Instant) {
        masters[index].failover?.state = state
        masters[index].failover?.stateChangedAt = now
        // The state's name as Redis Sentinel's events spell it (`+failover-state-select-slave`); the
        // SENTINEL MASTER field keeps the underscores (`select_slave`), as Redis's does.
        let name = String(state.rawValue.map { $0 == "_" ? "-" : $0 })
        announce(SentinelEvent(channel: "+failover-state-\(name)", message: masters[index].event("").message))
    }

    private func abort(_ index: Int, _ reason: String) {
        announce(SentinelEvent(channel: "-failover-abort-\(reason)", message: masters[index].event("").message))
        masters[index].failover = nil
    }
}
