import Core
import RESP
import Reactor
import Store

/// The commands a sentinel answers, with Redis Sentinel's reply shapes: field lists as flat arrays in
/// RESP2 and maps in RESP3.
extension SentinelRuntime {
    func execute(_ command: RESPCommand, for session: SentinelSession, into out: inout ByteBuffer) {
        let name = command.string(at: 0).lowercased()
        if session.isSubscribed && session.protocolVersion == .resp2,
            !["subscribe", "psubscribe", "unsubscribe", "punsubscribe", "ping", "quit", "reset"].contains(name)
        {
            out.writeRESPError(
                "ERR Can't execute '\(name)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
            )
            return
        }
        switch name {
        case "ping":
            if command.count > 1 {
                out.writeRESPBulkString(command.bytes(at: 1))
            } else {
                out.writeRESPSimpleString("PONG")
            }
        case "hello": hello(command, session: session, into: &out)
        case "auth": out.writeRESPSimpleString("OK")
        case "quit":
            out.writeRESPSimpleString("OK")
            session.connection.closeGracefully()
        case "client": client(command, session: session, into: &out)
        case "role":
            out.writeRESPArrayHeader(2)
            out.writeRESPBulkString("sentinel")
            out.writeRESPArrayHeader(masters.count)
            for master in masters { out.writeRESPBulkString(master.name) }
        case "info": out.writeRESPBulkString(info())
        case "sentinel": sentinel(command, into: &out, protocol: session.protocolVersion)
        case "subscribe", "psubscribe": subscribe(command, pattern: name == "psubscribe", session: session, into: &out)
        case "unsubscribe", "punsubscribe":
            unsubscribe(command, pattern: name == "punsubscribe", session: session, into: &out)
        case "command": out.writeRESPArrayHeader(0)
        case "shutdown":
            logger.info("SHUTDOWN received")
            persist()
            stop()
            onShutdown?()
        default:
            out.writeRESPError("ERR unknown command '\(command.string(at: 0))', with args beginning with: ")
        }
    }

    private func hello(_ command: RESPCommand, session: SentinelSession, into out: inout ByteBuffer) {
        if command.count > 1 {
            guard let version = command.integer(at: 1), let chosen = RESPProtocolVersion(rawValue: version) else {
                out.writeRESPError("NOPROTO unsupported protocol version")
                return
            }
            session.protocolVersion = chosen
        }
        let fields: [(String, FieldValue)] = [
            ("server", .text("redis")), ("version", .text("7.0.15")),
            ("proto", .integer(session.protocolVersion.rawValue)),
            ("id", .integer(session.id)), ("mode", .text("sentinel")), ("role", .text("master")),
            ("modules", .list([])),
        ]
        writeFields(fields, into: &out, protocol: session.protocolVersion)
    }

    private func client(_ command: RESPCommand, session: SentinelSession, into out: inout ByteBuffer) {
        let sub = command.count > 1 ? command.string(at: 1).lowercased() : ""
        switch sub {
        case "setname" where command.count == 3:
            session.name = command.string(at: 2)
            out.writeRESPSimpleString("OK")
        case "getname":
            session.name.isEmpty
                ? out.writeRESPNull(protocol: session.protocolVersion) : out.writeRESPBulkString(session.name)
        case "id": out.writeRESPInteger(session.id)
        case "setinfo": out.writeRESPSimpleString("OK")
        default: out.writeRESPError("ERR unknown subcommand or wrong number of arguments for 'client|\(sub)'")
        }
    }

    private func subscribe(_ command: RESPCommand, pattern: Bool, session: SentinelSession, into out: inout ByteBuffer)
    {
        for index in 1..<max(1, command.count) {
            let channel = command.string(at: index)
            if pattern { session.patterns.insert(channel) } else { session.channels.insert(channel) }
            writePushHeader(3, into: &out, protocol: session.protocolVersion)
            out.writeRESPBulkString(pattern ? "psubscribe" : "subscribe")
            out.writeRESPBulkString(channel)
            out.writeRESPInteger(session.channels.count + session.patterns.count)
        }
    }

    private func unsubscribe(
        _ command: RESPCommand, pattern: Bool, session: SentinelSession, into out: inout ByteBuffer
    ) {
        var names = (1..<max(1, command.count)).map { command.string(at: $0) }
        if names.isEmpty { names = Array(pattern ? session.patterns : session.channels) }
        for channel in names {
            if pattern { session.patterns.remove(channel) } else { session.channels.remove(channel) }
            writePushHeader(3, into: &out, protocol: session.protocolVersion)
            out.writeRESPBulkString(pattern ? "punsubscribe" : "unsubscribe")
            out.writeRESPBulkString(channel)
            out.writeRESPInteger(session.channels.count + session.patterns.count)
        }
    }

    private func writePushHeader(_ count: Int, into out: inout ByteBuffer, protocol version: RESPProtocolVersion) {
        if version == .resp3 {
            out.writeRESPPushHeader(count, protocol: .resp3)
        } else {
            out.writeRESPArrayHeader(count)
        }
    }

    // MARK: - SENTINEL

    private func sentinel(_ command: RESPCommand, into out: inout ByteBuffer, protocol version: RESPProtocolVersion) {
        let sub = command.count > 1 ? command.string(at: 1).lowercased() : ""
        func master(at position: Int) -> Int? {
            guard command.count > position else { return nil }
            return masters.firstIndex { $0.name == command.string(at: position) }
        }
        let now = loop.now
        switch sub {
        case "masters":
            out.writeRESPArrayHeader(masters.count)
            for master in masters { writeFields(masterFields(master, now: now), into: &out, protocol: version) }
        case "master":
            guard let index = master(at: 2) else { return out.writeRESPError("ERR No such master with that name") }
            writeFields(masterFields(masters[index], now: now), into: &out, protocol: version)
        case "replicas", "slaves":
            guard let index = master(at: 2) else { return out.writeRESPError("ERR No such master with that name") }
            let master = masters[index]
            out.writeRESPArrayHeader(master.replicas.count)
            for replica in master.replicas {
                writeFields(replicaFields(replica, of: master, now: now), into: &out, protocol: version)
            }
        case "sentinels":
            guard let index = master(at: 2) else { return out.writeRESPError("ERR No such master with that name") }
            out.writeRESPArrayHeader(masters[index].peers.count)
            for peer in masters[index].peers { writeFields(peerFields(peer, now: now), into: &out, protocol: version) }
        case "get-master-addr-by-name":
            guard let index = master(at: 2) else { return out.writeRESPNullArray(protocol: version) }
            let address = masters[index].address
            out.writeRESPArrayHeader(2)
            out.writeRESPBulkString(address.host)
            out.writeRESPBulkString(String(address.port ?? 0))
        case "is-master-down-by-addr":
            guard command.count == 6, let port = command.integer(at: 3), let epoch = command.integer(at: 4),
                let address = SocketAddress(host: command.string(at: 2), port: port)
            else { return out.writeRESPError("ERR wrong number of arguments for 'sentinel|is-master-down-by-addr'") }
            let candidate = command.string(at: 5)
            var down = 0
            var leader = "*"
            var leaderEpoch: UInt64 = 0
            if let index = masters.firstIndex(where: { $0.address == address }) {
                down = masters[index].sdownSince != nil ? 1 : 0
                if UInt64(epoch) > configuration.currentEpoch {
                    configuration.currentEpoch = UInt64(epoch)
                    announce(SentinelEvent(channel: "+new-epoch", message: String(epoch)))
                }
                if candidate != "*" {
                    let previous = masters[index].settings.leaderEpoch
                    (leader, leaderEpoch) = masters[index].vote(for: candidate, epoch: UInt64(epoch), now: now)
                    // A candidate asks every second until elected: only a new vote is news (and state).
                    if leaderEpoch != previous {
                        announce(SentinelEvent(channel: "+vote-for-leader", message: "\(leader) \(leaderEpoch)"))
                        persist()
                    }
                }
            }
            out.writeRESPArrayHeader(3)
            out.writeRESPInteger(down)
            out.writeRESPBulkString(leader)
            out.writeRESPInteger(Int(leaderEpoch))
        case "ckquorum":
            guard let index = master(at: 2) else { return out.writeRESPError("ERR No such master with that name") }
            let master = masters[index]
            let usable = 1 + master.peers.filter { !$0.health.isDown(at: now, after: master.settings.downAfter) }.count
            let voters = master.peers.count + 1
            if usable >= master.settings.quorum && usable >= voters / 2 + 1 {
                out.writeRESPSimpleString(
                    "OK \(usable) usable Sentinels. Quorum and failover authorization can be reached")
            } else {
                out.writeRESPError(
                    "NOQUORUM \(usable) usable Sentinels. Not enough available Sentinels to reach the quorum or the majority"
                )
            }
        case "failover":
            guard let index = master(at: 2) else { return out.writeRESPError("ERR No such master with that name") }
            guard masters[index].failover == nil else {
                return out.writeRESPError("INPROG Failover already in progress")
            }
            guard masters[index].selectReplica(now: now) != nil else {
                return out.writeRESPError("NOGOODSLAVE No suitable replica to promote")
            }
            startFailover(index, now: now, forced: true)
            out.writeRESPSimpleString("OK")
        case "reset":
            let pattern = command.count > 2 ? command.string(at: 2) : "*"
            var count = 0
            for index in masters.indices where GlobPattern.matches(pattern, masters[index].name) {
                let settings = masters[index].settings
                var fresh = settings
                fresh.knownReplicas = []
                fresh.knownSentinels = []
                masters[index] = SentinelMaster(settings: fresh, now: now)
                count += 1
            }
            persist()
            out.writeRESPInteger(count)
        case "myid": out.writeRESPBulkString(myID)
        case "monitor":
            guard command.count == 6, let port = command.integer(at: 4), let quorum = command.integer(at: 5),
                quorum > 0,
                let address = SocketAddress(host: command.string(at: 3), port: port), address.isLoopback
            else {
                return out.writeRESPError(
                    "ERR Invalid arguments: SENTINEL MONITOR <name> <loopback ip> <port> <quorum>")
            }
            guard !masters.contains(where: { $0.name == command.string(at: 2) }) else {
                return out.writeRESPError("ERR Duplicated master name")
            }
            let settings = SentinelConfiguration.Master(name: command.string(at: 2), address: address, quorum: quorum)
            configuration.masters.append(settings)
            masters.append(SentinelMaster(settings: settings, now: now))
            persist()
            out.writeRESPSimpleString("OK")
        case "remove":
            guard let index = master(at: 2) else { return out.writeRESPError("ERR No such master with that name") }
            let name = masters[index].name
            masters.remove(at: index)
            configuration.masters.removeAll { $0.name == name }
            persist()
            out.writeRESPSimpleString("OK")
        case "set":
            guard let index = master(at: 2), command.count >= 5, command.count % 2 == 1 else {
                return out.writeRESPError("ERR Invalid arguments: SENTINEL SET <master> <option> <value> ...")
            }
            var position = 3
            while position + 1 < command.count {
                let option = command.string(at: position).lowercased()
                let value = command.string(at: position + 1)
                switch option {
                case "down-after-milliseconds":
                    guard let ms = Int64(value), ms > 0 else {
                        return out.writeRESPError("ERR Invalid argument '\(value)' for SENTINEL SET '\(option)'")
                    }
                    masters[index].settings.downAfter = .milliseconds(ms)
                case "failover-timeout":
                    guard let ms = Int64(value), ms > 0 else {
                        return out.writeRESPError("ERR Invalid argument '\(value)' for SENTINEL SET '\(option)'")
                    }
                    masters[index].settings.failoverTimeout = .milliseconds(ms)
                case "parallel-syncs":
                    guard let count = Int(value), count > 0 else {
                        return out.writeRESPError("ERR Invalid argument '\(value)' for SENTINEL SET '\(option)'")
                    }
                    masters[index].settings.parallelSyncs = count
                case "quorum":
                    guard let quorum = Int(value), quorum > 0 else {
                        return out.writeRESPError("ERR Invalid argument '\(value)' for SENTINEL SET '\(option)'")
                    }
                    masters[index].settings.quorum = quorum
                case "auth-pass": masters[index].settings.authPass = value.isEmpty ? nil : value
                default: return out.writeRESPError("ERR Invalid argument '\(option)' for SENTINEL SET")
                }
                position += 2
            }
            persist()
            out.writeRESPSimpleString("OK")
        default:
            out.writeRESPError("ERR unknown subcommand '\(sub)'. Try SENTINEL HELP.")
        }
    }

    // MARK: - Field lists

    enum FieldValue {
        case text(String)
        /// A number sent as a bulk string, as Sentinel's field lists do.
        case number(Int)
        /// A number sent as an integer (HELLO's `proto` and `id`).
        case integer(Int)
        case list([String])
    }

    private func writeFields(
        _ fields: [(String, FieldValue)], into out: inout ByteBuffer, protocol version: RESPProtocolVersion
    ) {
        if version == .resp3 {
            out.writeRESPMapHeader(fields.count, protocol: .resp3)
        } else {
            out.writeRESPArrayHeader(fields.count * 2)
        }
        for (name, value) in fields {
            out.writeRESPBulkString(name)
            switch value {
            case .text(let text): out.writeRESPBulkString(text)
            // Sentinel sends numbers as bulk strings in these lists (redis-py converts them).
            case .number(let number): out.writeRESPBulkString(String(number))
            case .integer(let number): out.writeRESPInteger(number)
            case .list(let items):
                out.writeRESPArrayHeader(items.count)
                for item in items { out.writeRESPBulkString(item) }
            }
        }
    }

    private func milliseconds(_ amount: TimeAmount) -> Int { Int(amount.nanoseconds / 1_000_000) }

    private func masterFields(_ master: SentinelMaster, now: Instant) -> [(String, FieldValue)] {
        let sinceOK = milliseconds(now - master.health.lastOK)
        var fields: [(String, FieldValue)] = [
            ("name", .text(master.name)), ("ip", .text(master.address.host)),
            ("port", .number(master.address.port ?? 0)),
            ("runid", .text(master.info?.runID ?? "")), ("flags", .text(master.flags)),
            ("link-pending-commands", .number(0)), ("link-refcount", .number(1)),
            ("last-ping-sent", .number(master.health.pingSentAt.map { milliseconds(now - $0) } ?? 0)),
            ("last-ok-ping-reply", .number(sinceOK)), ("last-ping-reply", .number(sinceOK)),
        ]
        if let since = master.sdownSince { fields.append(("s-down-time", .number(milliseconds(now - since)))) }
        if let since = master.odownSince { fields.append(("o-down-time", .number(milliseconds(now - since)))) }
        fields += [
            ("down-after-milliseconds", .number(milliseconds(master.settings.downAfter))),
            ("info-refresh", .number(master.infoAt.map { milliseconds(now - $0) } ?? 0)),
            ("role-reported", .text(master.info?.role.rawValue ?? "master")), ("role-reported-time", .number(0)),
            ("config-epoch", .number(Int(master.settings.configEpoch))), ("num-slaves", .number(master.replicas.count)),
            ("num-other-sentinels", .number(master.peers.count)), ("quorum", .number(master.settings.quorum)),
            ("failover-timeout", .number(milliseconds(master.settings.failoverTimeout))),
            ("parallel-syncs", .number(master.settings.parallelSyncs)),
        ]
        if let failover = master.failover { fields.append(("failover-state", .text(failover.state.rawValue))) }
        return fields
    }

    private func replicaFields(
        _ replica: ReplicaRecord, of master: SentinelMaster, now: Instant
    ) -> [(String, FieldValue)] {
        var flags = [replica.info?.role == .master ? "master" : "slave"]
        if replica.health.isDown(at: now, after: master.settings.downAfter) { flags.append("s_down") }
        if links[replica.address]?.isConnected != true { flags.append("disconnected") }
        let sinceOK = milliseconds(now - replica.health.lastOK)
        let info = replica.info
        return [
            ("name", .text("\(replica.address.host):\(replica.address.port ?? 0)")),
            ("ip", .text(replica.address.host)),
            ("port", .number(replica.address.port ?? 0)), ("runid", .text(info?.runID ?? "")),
            ("flags", .text(flags.joined(separator: ","))), ("link-pending-commands", .number(0)),
            ("link-refcount", .number(1)), ("last-ping-sent", .number(0)), ("last-ok-ping-reply", .number(sinceOK)),
            ("last-ping-reply", .number(sinceOK)),
            ("down-after-milliseconds", .number(milliseconds(master.settings.downAfter))),
            ("info-refresh", .number(replica.infoAt.map { milliseconds(now - $0) } ?? 0)),
            ("role-reported", .text(info?.role.rawValue ?? "slave")), ("role-reported-time", .number(0)),
            ("master-link-down-time", .number(0)),
            ("master-link-status", .text(info?.masterLinkUp == true ? "ok" : "err")),
            ("master-host", .text(info?.masterAddress?.host ?? "?")),
            ("master-port", .number(info?.masterAddress?.port ?? 0)),
            ("slave-priority", .number(info?.priority ?? 100)), ("slave-repl-offset", .number(info?.offset ?? 0)),
            ("replica-announced", .number(1)),
        ]
    }

    private func peerFields(_ peer: PeerRecord, now: Instant) -> [(String, FieldValue)] {
        let sinceOK = milliseconds(now - peer.health.lastOK)
        return [
            ("name", .text(peer.runID)), ("ip", .text(peer.address.host)), ("port", .number(peer.address.port ?? 0)),
            ("runid", .text(peer.runID)), ("flags", .text("sentinel")), ("link-pending-commands", .number(0)),
            ("link-refcount", .number(1)), ("last-ping-sent", .number(0)), ("last-ok-ping-reply", .number(sinceOK)),
            ("last-ping-reply", .number(sinceOK)), ("down-after-milliseconds", .number(0)),
            ("last-hello-message", .number(milliseconds(now - peer.lastHello))),
            ("voted-leader", .text(peer.leader ?? "?")), ("voted-leader-epoch", .number(Int(peer.leaderEpoch))),
        ]
    }

    // MARK: - INFO

    private func info() -> String {
        var lines = [
            "# Server", "redis_version:7.0.15", "redis_mode:sentinel", "run_id:\(myID)",
            "tcp_port:\(announced.port ?? 0)", "", "# Clients", "connected_clients:\(sessions.count)", "",
            "# Sentinel", "sentinel_masters:\(masters.count)", "sentinel_tilt:0", "sentinel_running_scripts:0",
            "sentinel_scripts_queue_length:0", "sentinel_simulate_failure_flags:0",
        ]
        for (index, master) in masters.enumerated() {
            let status = master.odownSince != nil ? "odown" : master.sdownSince != nil ? "sdown" : "ok"
            lines.append(
                "master\(index):name=\(master.name),status=\(status),address=\(master.address.host):\(master.address.port ?? 0),"
                    + "slaves=\(master.replicas.count),sentinels=\(master.peers.count + 1)")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
