import Core
import RESP
import Reactor

/// Where the store's master and its replicas are, as one discovery found them.
struct StoreTopology: Sendable, Equatable {
    /// The instance that takes writes.
    var master: SocketAddress
    /// Its replicas that are in sync (what the master's `ROLE` lists), for reads.
    var replicas: [SocketAddress]
}

/// What `ROLE` says one store instance is.
enum StoreRole: Sendable, Equatable {
    /// A master at replication `offset` with these connected replicas.
    case master(offset: Int, replicas: [SocketAddress])
    /// A replica (of the master it names, if it names a loopback one).
    case replica(master: SocketAddress?)
}

/// Finds the store master the way Redis clients do.
///
/// With sentinels, it asks them in order `SENTINEL get-master-addr-by-name <name>` and takes the first
/// answer (Redis Sentinel's reply: `[host, port]`, or nil when it does not know the name), then asks that
/// master `ROLE` for its replicas (rather than `SENTINEL replicas`: the master's list holds only replicas in
/// sync, and the same code serves the case without sentinels). Sentinels are asked without a password. When
/// no sentinel answers, or there are none, it sends `ROLE` to every known instance at once and takes the one
/// that says `master`; when several do (a restarted old master next to the promoted replica), the one with
/// the most connected replicas wins, then the highest offset, then the earliest in the list (the current
/// master comes first, so a tie keeps it). No master found: nil, and the caller keeps what it had.
///
/// The parsing and the choice are pure (`role(from:)`, `master(fromSentinelReply:)`, `choose`); `locate`
/// does the I/O on the caller's loop, each query bounded by `timeout`.
enum MasterLocator {
    /// What the sentinel, or the instances, are asked with.
    struct Settings: Sendable {
        var sentinels: [SocketAddress]
        var masterName: String
        var password: String?
        var timeout: TimeAmount
    }

    // MARK: - Parsing and choosing (pure)

    /// The role a `ROLE` reply describes, or nil for anything else (an error reply, a sentinel's role).
    static func role(from reply: RESPValue) -> StoreRole? {
        guard case .array(let fields) = reply, let kind = fields.first.flatMap(text) else { return nil }
        switch kind {
        case "master":
            guard fields.count >= 3, let offset = integer(fields[1]), case .array(let entries) = fields[2] else {
                return nil
            }
            let replicas = entries.compactMap { entry -> SocketAddress? in
                guard case .array(let parts) = entry, parts.count >= 2 else { return nil }
                return address(host: parts[0], port: parts[1])
            }
            return .master(offset: offset, replicas: replicas)
        case "slave", "replica":
            return .replica(master: fields.count >= 3 ? address(host: fields[1], port: fields[2]) : nil)
        default:
            return nil
        }
    }

    /// The master a `SENTINEL get-master-addr-by-name` reply names, or nil (a nil reply, an error, a
    /// malformed or non-loopback address).
    static func master(fromSentinelReply reply: RESPValue) -> SocketAddress? {
        guard case .array(let parts) = reply, parts.count == 2 else { return nil }
        return address(host: parts[0], port: parts[1])
    }

    /// The master among `roles` (in the order the instances were listed) and its replicas, or nil when no
    /// instance says it is a master.
    static func choose(_ roles: [(address: SocketAddress, role: StoreRole)]) -> StoreTopology? {
        var best: (topology: StoreTopology, offset: Int)?
        for (address, role) in roles {
            guard case .master(let offset, let replicas) = role else { continue }
            if let current = best {
                let count = current.topology.replicas.count
                guard replicas.count > count || (replicas.count == count && offset > current.offset) else { continue }
            }
            best = (StoreTopology(master: address, replicas: replicas), offset)
        }
        return best?.topology
    }

    private static func text(_ value: RESPValue) -> String? {
        switch value {
        case .bulkString(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .simpleString(let string): return string
        default: return nil
        }
    }

    private static func integer(_ value: RESPValue) -> Int? {
        if case .integer(let number) = value { return number }
        return text(value).flatMap { Int($0) }
    }

    /// A loopback `host:port` from two reply fields (the API never follows a store off the machine).
    private static func address(host: RESPValue, port: RESPValue) -> SocketAddress? {
        guard let host = text(host), let port = integer(port), (1...65535).contains(port),
            let address = SocketAddress(host: host, port: port), address.isLoopback
        else { return nil }
        return address
    }

    // MARK: - Asking (I/O on the caller's loop)

    /// Finds the topology, asking the sentinels first and then `candidates` (the current master first);
    /// `completion` runs on `loop` with it, or nil when nobody names a master. Loop thread only.
    static func locate(
        candidates: [SocketAddress], settings: Settings, on loop: EventLoop,
        _ completion: @escaping (StoreTopology?) -> Void
    ) {
        askSentinels(from: 0, settings: settings, on: loop) { master in
            guard let master else { return probe(candidates, settings: settings, on: loop, completion) }
            query(master, ["ROLE"], password: settings.password, timeout: settings.timeout, on: loop) { reply in
                // The sentinels' word decides the master; its replicas come from itself when it agrees.
                if let reply, case .master(_, let replicas)? = role(from: reply) {
                    completion(StoreTopology(master: master, replicas: replicas))
                } else {
                    completion(StoreTopology(master: master, replicas: []))
                }
            }
        }
    }

    /// The master named by the first sentinel from `index` on that names one.
    private static func askSentinels(
        from index: Int, settings: Settings, on loop: EventLoop, _ completion: @escaping (SocketAddress?) -> Void
    ) {
        guard index < settings.sentinels.count else { return completion(nil) }
        let command = ["SENTINEL", "get-master-addr-by-name", settings.masterName]
        query(settings.sentinels[index], command, password: nil, timeout: settings.timeout, on: loop) { reply in
            if let reply, let master = master(fromSentinelReply: reply) { return completion(master) }
            askSentinels(from: index + 1, settings: settings, on: loop, completion)
        }
    }

    /// `ROLE` to every candidate at once, then `choose`.
    private static func probe(
        _ candidates: [SocketAddress], settings: Settings, on loop: EventLoop,
        _ completion: @escaping (StoreTopology?) -> Void
    ) {
        guard !candidates.isEmpty else { return completion(nil) }
        var roles: [StoreRole?] = Array(repeating: nil, count: candidates.count)
        var remaining = candidates.count
        for (index, candidate) in candidates.enumerated() {
            query(candidate, ["ROLE"], password: settings.password, timeout: settings.timeout, on: loop) { reply in
                roles[index] = reply.flatMap(role(from:))
                remaining -= 1
                guard remaining == 0 else { return }
                let known = zip(candidates, roles).compactMap { address, role in role.map { (address, $0) } }
                completion(choose(known))
            }
        }
    }

    /// One command on a connection of its own, closed afterwards; nil when anything fails.
    private static func query(
        _ address: SocketAddress, _ command: [String], password: String?, timeout: TimeAmount, on loop: EventLoop,
        _ completion: @escaping (RESPValue?) -> Void
    ) {
        RESPConnection.connect(
            to: address, on: loop, password: password, connectTimeout: timeout, commandTimeout: timeout
        ) { result in
            guard case .success(let connection) = result else { return completion(nil) }
            connection.send(command) { reply in
                connection.close()
                completion(try? reply.get())
            }
        }
    }
}
