import Core
import RESP
import Reactor

/// Replication commands and the master's side of the protocol: REPLICAOF/SLAVEOF, PSYNC (full sync by a
/// snapshot, partial from the backlog), REPLCONF (listening-port, capa, ACK, GETACK), WAIT, ROLE, and
/// INFO replication, as Redis's replication.c.
extension CommandExecutor {
    static var replicationCommands: [CommandSpec] {
        [
            CommandSpec("replicaof", arity: 3, flags: [.admin, .noscript, .stale]) { $0.replicaOf(&$1) },
            CommandSpec("slaveof", arity: 3, flags: [.admin, .noscript, .stale]) { $0.replicaOf(&$1) },
            CommandSpec("psync", arity: -3, flags: [.admin, .noscript]) { $0.psync(&$1) },
            CommandSpec("replconf", arity: -1, flags: [.admin, .noscript, .loading, .stale]) { $0.replconf(&$1) },
            CommandSpec("wait", arity: 3, flags: [.noscript]) { $0.wait(&$1) },
            CommandSpec("role", arity: 1, flags: [.noscript, .loading, .stale, .fast]) { $0.role(&$1) },
        ]
    }

    /// Whether this store follows a master.
    public var isReplica: Bool { masterLink != nil }

    /// Replicas online whose last acknowledgement is within min-replicas-max-lag (Redis's
    /// `repl_good_slaves_count`).
    var goodReplicaCount: Int {
        let limit = Int64(configuration.minReplicasMaxLag) * 1000
        return replication.replicas.filter {
            $0.state == .online && now - $0.lastAcknowledgedAt <= limit
                && $0.acknowledgedOffset >= $0.acknowledgementFence
        }.count
    }

    /// The longest the loop may go without reading the clock before it counts as stalled: twice the timer
    /// period (`hz`), and at least 500 ms, which is less than any failover takes (down-after alone is 1 s).
    var stallThreshold: Int64 { max(500, 2000 / Int64(max(1, configuration.hz))) }

    /// Reads the clock into `now`. A gap longer than `stallThreshold` since the last reading means this
    /// process did not run (SIGSTOP, a paused container or VM): meanwhile the sentinels may have promoted a
    /// replica, and the replicas' acknowledgements still queued in their sockets would make them look current
    /// when read now. So a master fences them: a GETACK goes down the stream, and a replica counts for
    /// min-replicas-to-write again only once it acknowledged that far. A replica that left us never does.
    func advanceClock() {
        let reading = clock()
        defer { now = reading }
        guard reading - now > stallThreshold, masterLink == nil, !replication.replicas.isEmpty else { return }
        requestAcknowledgements()
        let fence = replication.masterOffset
        for replica in replication.replicas { replica.acknowledgementFence = fence }
        logger.warning(
            "the store did not run for a while: writes wait for the replicas to acknowledge again",
            ["stalled_ms": reading - now, "fence": fence])
    }

    // MARK: - REPLICAOF

    func replicaOf(_ request: inout CommandRequest) {
        if request.argument(1, is: "NO") && request.argument(2, is: "ONE") {
            if let link = masterLink {
                link.stop()
                masterLink = nil
                // Our replicas followed the old master's history through us: they continue with the new one.
                replication.startNewHistory(previousID: link.masterReplicationID)
                if replication.isActive { propagationSink = replication }
                logger.info("MASTER MODE enabled", ["replid": replication.replicationID])
            }
            return request.replyOK()
        }
        guard let port = request.command.integer(at: 2), (1...65535).contains(port) else {
            return request.replyError("ERR Invalid master port")
        }
        var host = request.string(at: 1)
        if host == "localhost" { host = "127.0.0.1" }
        guard host.hasPrefix("127."), SocketAddress(host: host, port: port) != nil else {
            return request.replyError("ERR the master must be an IPv4 loopback address (127.0.0.0/8)")
        }
        let master = MasterAddress(host: host, port: port)
        if masterLink?.master == master {
            return request.reply.writeRESPSimpleString("OK Already connected to specified master")
        }
        startReplication(of: master)
        request.replyOK()
    }

    /// Becomes a replica of `master`: replicas of ours are disconnected (they must resync with the new
    /// history), writes are refused from now on, the data is kept until the master's snapshot replaces it.
    public func startReplication(of master: MasterAddress, resuming resume: (id: String, offset: Int)? = nil) {
        let previous = masterLink
        previous?.stop()
        disconnectReplicas()
        propagationSink = nil
        keyspace.recordsExpirations = false
        // Continue our own history when we were a master (a demoted master keeps its data and offset).
        let id = resume?.id ?? previous?.masterReplicationID ?? replication.replicationID
        let offset = resume?.offset ?? previous?.processedOffset ?? replication.masterOffset
        guard let loop else {
            logger.warning("no event loop to run the replication link on")
            return
        }
        let link = MasterLink(master: master, executor: self, loop: loop, id: id, offset: offset)
        masterLink = link
        logger.info("REPLICAOF enabled (user request from client)", ["master": master.description])
        link.start()
    }

    /// Closes every attached replica's connection.
    func disconnectReplicas() {
        for replica in replication.replicas {
            replica.session.shouldClose = true
            replica.session.closeConnection?()
        }
        replication.replicas.removeAll()
    }

    /// Forgets a replica whose connection closed.
    func detachReplica(_ session: ClientSession) {
        guard let link = replication.replicas.first(where: { $0.session === session }) else { return }
        replication.detach(link)
        logger.info("connection with replica lost", ["replica": "\(link.address):\(link.listeningPort)"])
    }

    // MARK: - PSYNC

    func psync(_ request: inout CommandRequest) {
        let client = request.client
        guard !client.isReplica else { return }
        if let link = masterLink, !link.isUp {
            return request.replyError("NOMASTERLINK Can't SYNC while not connected with my master")
        }
        let id = request.string(at: 1)
        let offset = request.command.integer(at: 2) ?? -1
        // Everything this batch wrote so far must be in the stream before we name an offset.
        flushPropagation()
        client.isReplica = true
        let link = ReplicaLink(session: client, state: .online, now: now)
        link.listeningPort = client.replicaListeningPort
        if let announced = client.replicaAnnouncedAddress { link.address = announced }
        if replication.canContinue(id: id, offset: offset) {
            let missing = replication.backlog.bytes(from: offset) ?? []
            request.reply.writeString("+CONTINUE \(replication.replicationID)\r\n")
            request.reply.writeBytes(missing)
            replication.replicas.append(link)
            logger.info(
                "partial resynchronization request accepted",
                ["replica": client.peer, "offset": offset, "bytes": missing.count])
            return
        }
        // A full sync: the stream from now on is kept for this replica until its snapshot is sent.
        activateBacklog()
        replication.replicas.append(link)
        logger.info("full resync requested by replica", ["replica": client.peer, "replid": id, "offset": offset])
        if persistence.snapshotChild == nil && persistence.rewriteChild == nil {
            // This connection's output is the reply being written: the +FULLRESYNC line goes there.
            request.reply.writeString("+FULLRESYNC \(replication.replicationID) \(replication.masterOffset)\r\n")
            beginFullSync([link], announced: true)
        } else {
            link.state = .waitingForSnapshotStart
        }
    }

    /// Starts keeping the stream (the first replica ever): from now on every write goes to the backlog.
    func activateBacklog() {
        guard !replication.isActive else { return }
        replication.isActive = true
        if masterLink == nil { propagationSink = replication }
    }

    /// Forks a snapshot for `links` and tells each where its stream starts, unless the caller already
    /// did (`announced`).
    func beginFullSync(_ links: [ReplicaLink], announced: Bool = false) {
        flushPropagation()
        let offset = replication.masterOffset
        for link in links {
            link.state = .waitingForSnapshot
            link.pending.clear()
            guard !announced else { continue }
            var line = ByteBuffer()
            line.writeString("+FULLRESYNC \(replication.replicationID) \(offset)\r\n")
            link.session.deliver?(line)
        }
        guard startBackgroundSave() else {
            for link in links { link.session.closeConnection?() }
            return
        }
        persistence.snapshotWaiters.append { [weak self] succeeded, path in
            self?.sendSnapshot(to: links, succeeded: succeeded, path: path)
        }
    }

    private func sendSnapshot(to links: [ReplicaLink], succeeded: Bool, path: String) {
        let bytes = succeeded ? ((try? FileSystem.read(path)) ?? nil) : nil
        for link in links where replication.replicas.contains(where: { $0 === link }) {
            guard let bytes else {
                logger.warning(
                    "the snapshot for a full sync failed: closing the replica", ["replica": link.session.peer])
                link.session.closeConnection?()
                continue
            }
            var payload = ByteBuffer()
            payload.writeString("$\(bytes.count)\r\n")
            payload.writeBytes(bytes)
            payload.writeBuffer(link.pending)
            link.pending = ByteBuffer()
            link.state = .online
            link.session.deliver?(payload)
            logger.info("synchronization with replica succeeded", ["replica": link.session.peer, "bytes": bytes.count])
        }
    }

    // MARK: - REPLCONF

    func replconf(_ request: inout CommandRequest) {
        guard request.count % 2 == 1 else { return request.replySyntaxError() }
        var index = 1
        while index < request.count {
            let option = request.string(at: index).lowercased()
            let value = request.string(at: index + 1)
            switch option {
            case "listening-port":
                guard let port = Int(value) else {
                    return request.replyError("ERR value is not an integer or out of range")
                }
                request.client.replicaListeningPort = port
            case "ack":
                // A replica's acknowledgement: no reply, as in Redis.
                guard let offset = Int(value) else { return }
                if let link = replication.replicas.first(where: { $0.session === request.client }) {
                    link.acknowledgedOffset = max(link.acknowledgedOffset, offset)
                    if offset >= link.acknowledgementFence { link.lastAcknowledgedAt = now }
                }
                if !waitingClients.isEmpty { serveWaitingClients() }
                return
            case "getack":
                return  // Only a master sends it; the replica side answers it in `MasterLink`.
            case "ip-address":
                request.client.replicaAnnouncedAddress = value
            case "capa", "rdb-only", "rdb-filter-only":
                break
            default:
                return request.replyError("ERR Unrecognized REPLCONF option: \(request.string(at: index))")
            }
            index += 2
        }
        request.replyOK()
    }

    // MARK: - WAIT

    func wait(_ request: inout CommandRequest) {
        guard masterLink == nil else {
            return request.replyError(
                "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated."
            )
        }
        guard let count = request.command.integer(at: 1), let timeout = request.command.integer(at: 2) else {
            return request.replyError(StoreReplies.notAnInteger)
        }
        guard timeout >= 0 else { return request.replyError("ERR timeout is negative") }
        flushPropagation()
        let offset = replication.masterOffset
        let acknowledged = acknowledgedCount(offset)
        if acknowledged >= count || isExecutingTransaction {
            return request.replyInteger(acknowledged)
        }
        let client = request.client
        client.replicaWait = ReplicaWait(
            offset: offset, count: count, deadline: timeout == 0 ? 0 : now + Int64(timeout))
        waitingClients[client.id] = client
        requestAcknowledgements()
    }

    /// How many replicas acknowledged `offset` or more.
    func acknowledgedCount(_ offset: Int) -> Int {
        replication.replicas.filter { $0.state == .online && $0.acknowledgedOffset >= offset }.count
    }

    /// Asks every online replica for its offset now (REPLCONF GETACK *), as Redis does before sleeping
    /// when a client waits.
    func requestAcknowledgements() {
        guard !replication.replicas.isEmpty else { return }
        var command = ByteBuffer()
        command.writeRESPArrayHeader(3)
        command.writeRESPBulkString("REPLCONF")
        command.writeRESPBulkString("GETACK")
        command.writeRESPBulkString("*")
        replication.propagate(command)
    }

    /// Answers every WAIT whose replicas caught up or whose time ran out.
    func serveWaitingClients() {
        for client in waitingClients.values.sorted(by: { $0.id < $1.id }) {
            guard let wait = client.replicaWait else { continue }
            let acknowledged = acknowledgedCount(wait.offset)
            guard acknowledged >= wait.count || (wait.deadline != 0 && wait.deadline <= now) else { continue }
            waitingClients[client.id] = nil
            client.replicaWait = nil
            var reply = ByteBuffer()
            reply.writeRESPInteger(acknowledged)
            client.deliver?(reply)
            client.didUnblock?()
        }
    }

    // MARK: - Cron

    /// Runs `hz` times a second: WAIT timeouts, pending full syncs, and the master's PING down an idle
    /// stream every repl-ping-replica-period seconds (so replicas can tell a dead master from a quiet one).
    public func replicationCron() {
        advanceClock()
        if !waitingClients.isEmpty { serveWaitingClients() }
        if persistence.snapshotChild == nil && persistence.rewriteChild == nil {
            let waiting = replication.replicas.filter { $0.state == .waitingForSnapshotStart }
            if !waiting.isEmpty { beginFullSync(waiting) }
        }
        if masterLink == nil, !replication.replicas.isEmpty,
            now - lastReplicaPingAt >= Int64(configuration.replPingReplicaPeriod) * 1000
        {
            lastReplicaPingAt = now
            var ping = ByteBuffer()
            ping.writeRESPArrayHeader(1)
            ping.writeRESPBulkString("PING")
            replication.propagate(ping)
        }
        publishStatistics()
        publishDetails()
    }

    /// Copies the slower-moving figures where the metrics thread reads them.
    func publishDetails() {
        var details = StoreStatistics.Details()
        details.commandCalls = commandCallCounts
        details.role = masterLink == nil ? "master" : "slave"
        details.connectedReplicas = replication.replicas.count
        details.isMasterLinkUp = masterLink?.isUp ?? false
        details.replicationOffset = masterLink?.processedOffset ?? replication.masterOffset
        details.lastSaveTime = persistence.lastSaveAt
        details.changesSinceLastSave = keyspace.dirty - persistence.dirtyAtLastSave
        details.isAppendOnlyEnabled = appendOnlyLog != nil
        details.isLastSnapshotOK = persistence.lastSnapshotSucceeded
        details.blockedClients = blockedClients.count + waitingClients.count
        details.pubSubChannels = pubSub.channels.count
        details.evictedKeys = evictedKeys
        details.usedMemory = Self.usedMemory()
        details.maxMemory = configuration.maxMemory
        statistics.details.withLock { $0 = details }
    }

    // MARK: - ROLE and INFO

    func role(_ request: inout CommandRequest) {
        if let link = masterLink {
            request.reply.writeRESPArrayHeader(5)
            request.replyBulk("slave")
            request.replyBulk(link.master.host)
            request.replyInteger(link.master.port)
            request.replyBulk(link.roleStateName)
            request.replyInteger(link.isUp ? link.processedOffset : -1)
            return
        }
        request.reply.writeRESPArrayHeader(3)
        request.replyBulk("master")
        request.replyInteger(replication.masterOffset)
        let online = replication.replicas.filter { $0.state == .online }
        request.reply.writeRESPArrayHeader(online.count)
        for replica in online {
            request.reply.writeRESPArrayHeader(3)
            request.replyBulk(replica.address)
            request.replyBulk(String(replica.listeningPort))
            request.replyBulk(String(replica.acknowledgedOffset))
        }
    }

    /// INFO replication, with Redis's field names.
    func replicationInfo() -> [String] {
        var lines = ["# Replication"]
        if let link = masterLink {
            let lastIO = link.lastReceivedAt == 0 ? -1 : Int((now - link.lastReceivedAt) / 1000)
            lines += [
                "role:slave", "master_host:\(link.master.host)", "master_port:\(link.master.port)",
                "master_link_status:\(link.isUp ? "up" : "down")", "master_last_io_seconds_ago:\(lastIO)",
                "master_sync_in_progress:\(link.isSyncing ? 1 : 0)", "slave_read_repl_offset:\(link.processedOffset)",
                "slave_repl_offset:\(link.processedOffset)",
            ]
            if link.isSyncing { lines.append("master_sync_read_bytes:\(link.snapshotBytesReceived)") }
            if let since = link.downSince { lines.append("master_link_down_since_seconds:\((now - since) / 1000)") }
            lines += [
                "slave_priority:\(configuration.replicaPriority)", "slave_read_only:1", "replica_announced:1",
            ]
        } else {
            lines.append("role:master")
        }
        lines.append("connected_slaves:\(replication.replicas.count)")
        if masterLink == nil && configuration.minReplicasToWrite > 0 {
            lines.append("min_slaves_good_slaves:\(goodReplicaCount)")
        }
        for (index, replica) in replication.replicas.enumerated() {
            let lag = (now - replica.lastAcknowledgedAt) / 1000
            lines.append(
                "slave\(index):ip=\(replica.address),port=\(replica.listeningPort),state=\(replica.stateName),"
                    + "offset=\(replica.acknowledgedOffset),lag=\(lag)")
        }
        let offset = masterLink?.processedOffset ?? replication.masterOffset
        lines += [
            "master_failover_state:no-failover",
            "master_replid:\(masterLink?.masterReplicationID ?? replication.replicationID)",
            "master_replid2:\(replication.secondaryID)", "master_repl_offset:\(offset)",
            "second_repl_offset:\(replication.secondaryOffset)",
            "repl_backlog_active:\(replication.isActive ? 1 : 0)", "repl_backlog_size:\(replication.backlog.capacity)",
            "repl_backlog_first_byte_offset:\(replication.backlog.firstOffset)",
            "repl_backlog_histlen:\(replication.backlog.historyLength)",
        ]
        return lines
    }

    /// The replication ids a snapshot records (aux fields repl-id / repl-offset), so a restarted replica
    /// can continue partially, and a restarted master keeps its history.
    var replicationAuxiliaryFields: [(name: String, value: [UInt8])] {
        let id = masterLink?.masterReplicationID ?? replication.replicationID
        let offset = masterLink?.processedOffset ?? replication.masterOffset
        guard id != ReplicationID.none else { return [] }
        return [("repl-id", Array(id.utf8)), ("repl-offset", Array(String(offset).utf8))]
    }
}
