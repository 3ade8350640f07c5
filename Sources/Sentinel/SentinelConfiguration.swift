import Core
import Reactor

/// How `store --sentinel` runs: where it listens and which masters it watches, in sentinel.conf's syntax
/// (`sentinel monitor <name> <host> <port> <quorum>`, `down-after-milliseconds`, `failover-timeout`,
/// `parallel-syncs`, `auth-pass`), plus the state a sentinel persists so that a restart keeps its epoch,
/// its view of the current master and its peers (`sentinel myid`, `current-epoch`, `config-epoch`,
/// `leader-epoch`, `known-replica`, `known-sentinel`). Pure: text in, values out.
public struct SentinelConfiguration: Sendable, Equatable {
    /// One watched master.
    public struct Master: Sendable, Equatable {
        public var name: String
        public var address: SocketAddress
        public var quorum: Int
        public var downAfter: TimeAmount = .seconds(30 as Int64)
        public var failoverTimeout: TimeAmount = .seconds(180 as Int64)
        public var parallelSyncs = 1
        public var authPass: String?
        /// The epoch of the configuration that made `address` the master (0 before any failover).
        public var configEpoch: UInt64 = 0
        /// The epoch of the last leader vote this sentinel gave for this master.
        public var leaderEpoch: UInt64 = 0
        public var knownReplicas: [SocketAddress] = []
        public var knownSentinels: [(address: SocketAddress, runID: String)] = []

        public init(name: String, address: SocketAddress, quorum: Int) {
            self.name = name
            self.address = address
            self.quorum = quorum
        }

        public static func == (a: Master, b: Master) -> Bool {
            a.name == b.name && a.address == b.address && a.quorum == b.quorum && a.downAfter == b.downAfter
                && a.failoverTimeout == b.failoverTimeout && a.parallelSyncs == b.parallelSyncs
                && a.authPass == b.authPass && a.configEpoch == b.configEpoch && a.leaderEpoch == b.leaderEpoch
                && a.knownReplicas == b.knownReplicas
                && a.knownSentinels.map(\.address) == b.knownSentinels.map(\.address)
                && a.knownSentinels.map(\.runID) == b.knownSentinels.map(\.runID)
        }
    }

    /// A line the parser refused: its number and why.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public var bind = "127.0.0.1"
    public var port = 26379
    /// This sentinel's run id (40 hex digits), kept across restarts once written.
    public var myID: String?
    public var currentEpoch: UInt64 = 0
    public var masters: [Master] = []

    public init() {}

    /// Parses sentinel.conf text; unknown directives are errors (a typo must not silently disable a setting).
    public static func parse(_ text: String) throws(Problem) -> SentinelConfiguration {
        var configuration = SentinelConfiguration()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let words = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let first = words.first, !first.hasPrefix("#") else { continue }
            func fail(_ reason: String) -> Problem { Problem(line: number, reason: reason) }
            switch first.lowercased() {
            case "port":
                guard words.count == 2, let port = Int(words[1]), (0...65535).contains(port) else {
                    throw fail("expected 'port <0-65535>'")
                }
                configuration.port = port
            case "bind":
                guard words.count >= 2, let address = SocketAddress.parseIPv4(words[1]), address >> 24 == 127 else {
                    throw fail("expected 'bind <loopback address>'")
                }
                configuration.bind = words[1]
            case "daemonize", "logfile", "dir", "protected-mode", "loglevel", "pidfile", "sentinel-announce":
                continue  // accepted for compatibility with stock files; the supervisor owns these
            case "sentinel":
                guard words.count >= 2 else { throw fail("expected a sentinel directive") }
                try configuration.apply(Array(words.dropFirst()), line: number)
            default:
                throw fail("unknown directive '\(first)'")
            }
        }
        return configuration
    }

    private mutating func apply(_ words: [String], line: Int) throws(Problem) {
        func fail(_ reason: String) -> Problem { Problem(line: line, reason: reason) }
        let directive = words[0].lowercased()
        switch directive {
        case "myid":
            guard words.count == 2, words[1].count == 40, words[1].allSatisfy(\.isHexDigit) else {
                throw fail("expected 'sentinel myid <40 hex digits>'")
            }
            myID = words[1].lowercased()
            return
        case "current-epoch":
            guard words.count == 2, let epoch = UInt64(words[1]) else {
                throw fail("expected 'sentinel current-epoch <n>'")
            }
            currentEpoch = epoch
            return
        case "monitor":
            guard words.count == 5, let address = SocketAddress(host: words[2], port: Int(words[3]) ?? -1),
                let quorum = Int(words[4]), quorum >= 1
            else { throw fail("expected 'sentinel monitor <name> <host> <port> <quorum>'") }
            guard address.isLoopback else { throw fail("the master must be a loopback address, got \(words[2])") }
            guard !masters.contains(where: { $0.name == words[1] }) else { throw fail("master '\(words[1])' twice") }
            masters.append(Master(name: words[1], address: address, quorum: quorum))
            return
        case "resolve-hostnames", "announce-hostnames", "deny-scripts-reconfig", "announce-ip", "announce-port":
            return
        default:
            break
        }
        guard words.count >= 2, let index = masters.firstIndex(where: { $0.name == words[1] }) else {
            throw fail("'sentinel \(directive)' names an unknown master (monitor it first)")
        }
        let value = words.count >= 3 ? words[2] : ""
        func milliseconds() throws(Problem) -> TimeAmount {
            guard words.count == 3, let ms = Int64(value), ms > 0 else {
                throw fail("expected 'sentinel \(directive) <master> <milliseconds>'")
            }
            return .milliseconds(ms)
        }
        func number() throws(Problem) -> UInt64 {
            guard words.count == 3, let number = UInt64(value) else {
                throw fail("expected 'sentinel \(directive) <master> <number>'")
            }
            return number
        }
        func address(at position: Int) throws(Problem) -> SocketAddress {
            guard words.count > position + 1,
                let address = SocketAddress(host: words[position], port: Int(words[position + 1]) ?? -1),
                address.isLoopback
            else { throw fail("expected a loopback host and port in 'sentinel \(directive)'") }
            return address
        }
        switch directive {
        case "down-after-milliseconds": masters[index].downAfter = try milliseconds()
        case "failover-timeout": masters[index].failoverTimeout = try milliseconds()
        case "parallel-syncs": masters[index].parallelSyncs = max(1, Int(try number()))
        case "auth-pass":
            guard words.count == 3 else { throw fail("expected 'sentinel auth-pass <master> <password>'") }
            masters[index].authPass = value
        case "config-epoch": masters[index].configEpoch = try number()
        case "leader-epoch": masters[index].leaderEpoch = try number()
        case "known-replica", "known-slave":
            let replica = try address(at: 2)
            if !masters[index].knownReplicas.contains(replica) { masters[index].knownReplicas.append(replica) }
        case "known-sentinel":
            let peer = try address(at: 2)
            guard words.count == 5 else {
                throw fail("expected 'sentinel known-sentinel <master> <host> <port> <runid>'")
            }
            masters[index].knownSentinels.append((peer, words[4]))
        case "auth-user", "notification-script", "client-reconfig-script", "master-reboot-down-after-period":
            break
        default:
            throw fail("unknown sentinel directive '\(directive)'")
        }
    }

    /// The configuration as sentinel.conf text (what a sentinel writes to persist its state).
    public func rendered() -> String {
        var lines = ["# Written by store --sentinel: its configuration and state.", "port \(port)", "bind \(bind)"]
        if let myID { lines.append("sentinel myid \(myID)") }
        lines.append("sentinel current-epoch \(currentEpoch)")
        for master in masters {
            let name = master.name
            lines.append("sentinel monitor \(name) \(master.address.host) \(master.address.port ?? 0) \(master.quorum)")
            lines.append("sentinel down-after-milliseconds \(name) \(master.downAfter.nanoseconds / 1_000_000)")
            lines.append("sentinel failover-timeout \(name) \(master.failoverTimeout.nanoseconds / 1_000_000)")
            lines.append("sentinel parallel-syncs \(name) \(master.parallelSyncs)")
            if let authPass = master.authPass { lines.append("sentinel auth-pass \(name) \(authPass)") }
            lines.append("sentinel config-epoch \(name) \(master.configEpoch)")
            lines.append("sentinel leader-epoch \(name) \(master.leaderEpoch)")
            for replica in master.knownReplicas {
                lines.append("sentinel known-replica \(name) \(replica.host) \(replica.port ?? 0)")
            }
            for peer in master.knownSentinels {
                lines.append(
                    "sentinel known-sentinel \(name) \(peer.address.host) \(peer.address.port ?? 0) \(peer.runID)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
