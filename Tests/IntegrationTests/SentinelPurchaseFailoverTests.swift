import Core
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The data tier as the stack runs it: three stores (appendfsync always, min-replicas-to-write 1,
/// min-replicas-max-lag 2), three sentinels and one `api` that finds the master through them, all built
/// executables. Purchases flow while the master is killed (`kill -9`) or paused (`SIGSTOP`): the API keeps
/// selling within a deadline, and every purchase it acknowledged is on the new master afterwards, the stock
/// short by exactly their quantities. Addresses 127.0.0.141-143 (stores), .144-146 (sentinels), .147 (api).
@Suite(.serialized) struct SentinelPurchaseFailoverTests {
    static let storeHosts = ["127.0.0.141", "127.0.0.142", "127.0.0.143"]
    static let sentinelHosts = ["127.0.0.144", "127.0.0.145", "127.0.0.146"]
    static let apiHost = "127.0.0.147"
    static let adminToken = "sentinel-failover-admin-token-0123456789"
    static let initialStock = 10_000

    /// How a test disturbs the master.
    enum Disruption { case kill, pause }

    /// Purchases acknowledged so far: order id and quantity.
    struct Ledger {
        var orders: [Int: Int] = [:]
        /// The last unsuccessful answer, for a failure's message.
        var lastFailure = ""
        var quantity: Int { orders.values.reduce(0, +) }
    }

    // MARK: - Tools

    private static func cli(_ host: String, _ port: Int, _ arguments: [String]) -> String {
        let result = try? runTool("redis-cli", ["-h", host, "-p", String(port)] + arguments, timeout: 5)
        return (result?.stdout ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func masterAddress(_ sentinel: String) -> String {
        cli(sentinel, 26379, ["SENTINEL", "get-master-addr-by-name", "evergreen"]).split(separator: "\n")
            .joined(separator: ":")
    }

    private static func field(_ sentinel: String, _ name: String) -> String? {
        let lines = cli(sentinel, 26379, ["SENTINEL", "master", "evergreen"]).split(separator: "\n").map(String.init)
        guard let index = lines.firstIndex(of: name), index + 1 < lines.count else { return nil }
        return lines[index + 1]
    }

    /// One request to the api with curl, bounded by `seconds`: the status (0 when curl failed) and the body.
    private static func request(
        _ base: String, _ method: String, _ path: String, json: String? = nil, token: String? = nil,
        headers: [String] = [], seconds: Int = 10
    ) -> (status: Int, body: [String: Any]) {
        var arguments = ["-sS", "--max-time", String(seconds), "-w", "\n%{http_code}", "-X", method, base + path]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        for header in headers { arguments += ["-H", header] }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        guard let result = try? runTool("curl", arguments, timeout: Double(seconds) + 5),
            let newline = result.stdout.lastIndex(of: "\n")
        else { return (0, [:]) }
        let text = String(result.stdout[..<newline])
        let body = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (Int(result.stdout[result.stdout.index(after: newline)...]) ?? 0, body)
    }

    /// Field lists as redis-cli prints them raw, one dictionary per instance (each starts at `name`):
    /// RESP2's flat arrays come out a line per name and per value, RESP3's maps a `name value` line per field.
    private static func states(_ output: String, isRESP3: Bool) -> [[String: String]] {
        var pairs: [(String, String)] = []
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if isRESP3 {
            for line in lines {
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                pairs.append((parts.first ?? "", parts.count == 2 ? parts[1] : ""))
            }
        } else {
            for index in stride(from: 0, to: lines.count - 1, by: 2) { pairs.append((lines[index], lines[index + 1])) }
        }
        var states: [[String: String]] = []
        for (name, value) in pairs {
            if name == "name" || states.isEmpty { states.append([:]) }
            states[states.count - 1][name] = value
        }
        return states
    }

    // MARK: - The cluster

    /// Three stores, three sentinels and an api, started from the built executables; `stop()` ends them.
    final class Cluster: @unchecked Sendable {
        // @unchecked Sendable: used by one test's thread only.
        let scratch: String
        var stores: [ServerProcess] = []
        var sentinels: [ServerProcess] = []
        var api: ServerProcess?
        var base = ""

        init() throws {
            scratch =
                FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-api-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let conf = scratch + "/sentinel.conf"
            try """
            sentinel monitor evergreen 127.0.0.1 6379 2
            sentinel down-after-milliseconds evergreen 1000
            sentinel failover-timeout evergreen 10000
            sentinel parallel-syncs evergreen 1
            """.write(toFile: conf, atomically: true, encoding: .utf8)
            let hosts = SentinelPurchaseFailoverTests.storeHosts
            for (index, host) in hosts.enumerated() {
                stores.append(try startStore(host, index: index, replicaOf: index == 0 ? nil : hosts[0]))
            }
            for (index, host) in SentinelPurchaseFailoverTests.sentinelHosts.enumerated() {
                sentinels.append(
                    try ServerProcess(
                        "store", ["--sentinel", conf],
                        environment: [
                            "STACK_ADDRESS": host, "STACK_PORT": "26379", "STACK_DATA_DIR": "\(scratch)/s\(index)",
                            "SENTINEL_MASTER": "\(hosts[0]):6379",
                        ]))
            }
        }

        /// A store as services/store/store.conf configures it: fsync before the reply, no write without
        /// a replica that acknowledged within 2 s.
        func startStore(_ host: String, index: Int, replicaOf master: String?) throws -> ServerProcess {
            let directory = "\(scratch)/store\(index)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var arguments = [
                "--bind", host, "--port", "6379", "--metrics-port", "-1", "--save", "", "--dir", directory,
                "--appendonly", "yes", "--appendfsync", "always", "--min-replicas-to-write", "1",
                "--min-replicas-max-lag", "2",
            ]
            if let master { arguments += ["--replicaof", master, "6379"] }
            return try ServerProcess("store", arguments)
        }

        /// The api, told the first store and the sentinels.
        func startAPI() throws {
            let sentinels = SentinelPurchaseFailoverTests.sentinelHosts.map { "\($0):26379" }
            let api = try ServerProcess(
                "api", ["--bind", SentinelPurchaseFailoverTests.apiHost, "--port", "0", "--threads", "2"],
                environment: [
                    "API_ADMIN_TOKEN": SentinelPurchaseFailoverTests.adminToken,
                    "STORE_MASTER": "\(SentinelPurchaseFailoverTests.storeHosts[0]):6379",
                    "STORE_SENTINELS": sentinels.joined(separator: ","), "STORE_MASTER_NAME": "evergreen",
                ])
            self.api = api
            base = "http://\(try api.waitForAddress())"
        }

        func stop() {
            for store in stores where store.process.isRunning { kill(store.process.processIdentifier, SIGCONT) }
            api?.stop(grace: .seconds(2 as Int64))
            for process in sentinels + stores { process.stop(grace: .seconds(2 as Int64)) }
            try? FileManager.default.removeItem(atPath: scratch)
        }
    }

    /// Waits until every running sentinel knows the others and both replicas, and the master counts both
    /// replicas as good (so writes are accepted).
    private func waitUntilFormed(_ sentinels: [String]) throws {
        try poll("the sentinels to know each other and both replicas", timeout: 20) {
            sentinels.allSatisfy {
                Self.field($0, "num-other-sentinels") == "2" && Self.field($0, "num-slaves") == "2"
            }
        }
        try poll("the master to count two good replicas", timeout: 10) {
            Self.cli(Self.storeHosts[0], 6379, ["INFO", "replication"]).contains("min_slaves_good_slaves:2")
        }
    }

    /// What the sentinels, the replicas and the api say, for a failure's message. The old master is not
    /// asked: paused, it would hold redis-cli (and the test) for good.
    private func diagnosis(_ cluster: Cluster) -> String {
        var lines = Self.sentinelHosts.map { "sentinel \($0): \(Self.masterAddress($0))" }
        for (host, store) in zip(Self.storeHosts, cluster.stores).dropFirst() where store.process.isRunning {
            let info = Self.cli(host, 6379, ["INFO", "replication"]).split(whereSeparator: \.isNewline)
            lines.append("store \(host): \(info.filter { !$0.hasPrefix("master_repl") }.joined(separator: " "))")
        }
        for (host, sentinel) in zip(Self.sentinelHosts, cluster.sentinels) {
            lines.append("sentinel \(host) log:\n\(sentinel.stderr.suffix(3000))")
        }
        lines.append("api log:\n\(cluster.api?.stderr.suffix(3000) ?? "")")
        return lines.joined(separator: "\n")
    }

    /// Registers a buyer and logs in: the session token.
    private func buyer(_ base: String) throws -> String {
        let registration =
            #"{"email":"ann@example.com","password":"correct horse","first_name":"Ann","last_name":"Lee"}"#
        let registered = Self.request(base, "POST", "/v1/users", json: registration)
        guard registered.status == 201 else { throw TestFailure("register: \(registered)") }
        let session = Self.request(
            base, "POST", "/v1/sessions", json: #"{"email":"ann@example.com","password":"correct horse"}"#)
        guard let token = session.body["token"] as? String else { throw TestFailure("log in: \(session)") }
        return token
    }

    private func createProduct(_ base: String) throws {
        let json =
            #"{"id":1,"name":"Pen","category":"office","company":"Acme","is_sold":false,"#
            + #""date_manufactured":"2024-02-29","cost":"1.5","price":250,"stock":\#(Self.initialStock)}"#
        let answer = Self.request(base, "POST", "/v1/products", json: json, token: Self.adminToken)
        guard answer.status == 201 else { throw TestFailure("create product: \(answer)") }
    }

    /// One purchase under `key`, sent again with the same key until the api acknowledges it (201, or 200
    /// for a replay of one it committed before) or `deadline` passes; whether it was acknowledged.
    private func purchase(
        _ base: String, token: String, key: String, quantity: Int, ledger: inout Ledger, deadline: Instant
    ) -> Bool {
        let json = #"{"items":[{"product_id":1,"quantity":\#(quantity)}]}"#
        while Instant.now < deadline {
            let answer = Self.request(
                base, "POST", "/v1/purchases", json: json, token: token, headers: ["Idempotency-Key: \(key)"],
                seconds: 3)
            if answer.status == 201 || answer.status == 200, let id = answer.body["id"] as? Int {
                ledger.orders[id] = quantity
                return true
            }
            ledger.lastFailure = "\(answer.status) \(answer.body)"
            usleep(50_000)
        }
        return false
    }

    /// The whole scenario: purchases flow, the master is disturbed, purchases flow again within a deadline,
    /// and the new master holds every acknowledged one. With `withoutSentinel`, the third sentinel is
    /// stopped first (two of three still make the quorum and the majority).
    private func sellThrough(_ disruption: Disruption, withoutSentinel: Bool = false) throws {
        for tool in ["redis-cli", "curl"] where findOnPath(tool) == nil {
            throw TestFailure("\(tool) is not installed: Tests/run-all installs it")
        }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try waitUntilFormed(Self.sentinelHosts)
        try cluster.startAPI()
        let base = cluster.base
        let token = try buyer(base)
        try createProduct(base)
        var running = Self.sentinelHosts
        if withoutSentinel {
            cluster.sentinels[2].stop()
            running.removeLast()
        }

        var ledger = Ledger()
        var sequence = 0
        func buy(until deadline: Instant) -> Bool {
            sequence += 1
            return purchase(
                base, token: token, key: "purchase-\(sequence)", quantity: 1 + sequence % 3, ledger: &ledger,
                deadline: deadline)
        }
        for _ in 0..<5 {
            #expect(buy(until: Instant.now + .seconds(5 as Int64)), "a purchase before the failover failed")
        }
        // A client of the master, connected before the pause (as a pooled connection is).
        let pooled = try RawConnection(host: Self.storeHosts[0], port: 6379)
        try pooled.send("PING")
        #expect(try pooled.readLine() == "+PONG")
        let oldMaster = cluster.stores[0].process.processIdentifier
        let disturbedAt = Instant.now
        switch disruption {
        case .kill:
            kill(oldMaster, SIGKILL)
            cluster.stores[0].process.waitUntilExit()
        case .pause:
            kill(oldMaster, SIGSTOP)
        }

        // The api sells again through the promoted replica, without a restart.
        let sold = buy(until: disturbedAt + .seconds(15 as Int64))
        #expect(sold, "no purchase within 15 s of the failover (\(ledger.lastFailure)): \(diagnosis(cluster))")
        let recovery = (Instant.now - disturbedAt).seconds
        #expect(recovery < 10, "the first purchase after the failover took \(recovery) s")
        var promoted = ""
        try poll("every running sentinel to name the same new master", timeout: 10) {
            let answers = Set(running.map(Self.masterAddress))
            guard answers.count == 1, let address = answers.first, !address.isEmpty,
                address != "\(Self.storeHosts[0]):6379"
            else { return false }
            promoted = address
            return true
        }
        let newMaster = String(promoted.split(separator: ":")[0])
        for _ in 0..<5 {
            #expect(buy(until: Instant.now + .seconds(5 as Int64)), "a purchase after the failover failed")
        }

        if disruption == .pause {
            // Back from the pause, the old master takes no write before a sentinel demotes it.
            let other = Self.storeHosts.dropFirst().first { $0 != newMaster }!
            try poll("the other replica to follow the new master", timeout: 10) {
                Self.cli(other, 6379, ["INFO", "replication"]).contains("master_host:\(newMaster)")
            }
            // A client connected before the pause sends a write while the master is stopped: it waits in the
            // socket behind the replicas' last acknowledgements and their goodbyes.
            try pooled.send("SET", "pooled-stale-write", "1")
            kill(oldMaster, SIGCONT)
            let reply = Self.cli(Self.storeHosts[0], 6379, ["SET", "stale-write", "1"])
            #expect(
                reply.hasPrefix("NOREPLICAS") || reply.hasPrefix("READONLY"),
                "the resumed old master answered a write with \(reply)")
            let pooledReply = try pooled.readLine()
            #expect(
                pooledReply.hasPrefix("-NOREPLICAS") || pooledReply.hasPrefix("-READONLY"),
                "the resumed old master answered a write sent during the pause with \(pooledReply)")
            try poll("the resumed old master to become a replica of the new one", timeout: 10) {
                Self.cli(Self.storeHosts[0], 6379, ["INFO", "replication"]).contains("master_host:\(newMaster)")
            }
            #expect(Self.cli(newMaster, 6379, ["EXISTS", "stale-write"]) == "0")
        }

        // Every acknowledged purchase is on the new master; the stock is short by exactly their quantities.
        for (id, _) in ledger.orders.sorted(by: { $0.key < $1.key }) {
            #expect(!Self.cli(newMaster, 6379, ["GET", "order:\(id)"]).isEmpty, "order \(id) was lost")
            try poll("order \(id) through the api", timeout: 5) {
                Self.request(base, "GET", "/v1/purchases/\(id)", token: Self.adminToken).status == 200
            }
        }
        #expect(ledger.orders.count == sequence)
        #expect(Self.cli(newMaster, 6379, ["GET", "stock:1"]) == String(Self.initialStock - ledger.quantity))
    }

    @Test("kill -9 of the master: the api keeps selling and no acknowledged purchase is lost")
    func killedMaster() throws {
        try sellThrough(.kill)
    }

    @Test("with one sentinel of three down, kill -9 of the master still fails over (quorum 2)")
    func killedMasterOneSentinelDown() throws {
        try sellThrough(.kill, withoutSentinel: true)
    }

    @Test("SIGSTOP of the master fails over; on SIGCONT it refuses writes until it is a replica of the new one")
    func pausedMaster() throws {
        try sellThrough(.pause)
    }

    @Test(
        "SENTINEL MASTERS/MASTER/REPLICAS/SENTINELS/CKQUORUM/IS-MASTER-DOWN-BY-ADDR as redis-cli and redis-py read them"
    )
    func replyShapes() throws {
        guard findOnPath("redis-cli") != nil else {
            throw TestFailure("redis-cli is not installed: Tests/run-all installs it")
        }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try waitUntilFormed(Self.sentinelHosts)
        let sentinel = Self.sentinelHosts[0]
        let master = Self.storeHosts[0]
        try poll("the replicas' links to show up in INFO", timeout: 15) {
            let replicas = Self.cli(sentinel, 26379, ["SENTINEL", "replicas", "evergreen"])
            return replicas.components(separatedBy: "master-link-status\nok").count == 3
        }
        for version in ["-2", "-3"] {
            func ask(_ arguments: String...) -> String { Self.cli(sentinel, 26379, [version] + arguments) }
            func states(_ arguments: String...) -> [[String: String]] {
                Self.states(Self.cli(sentinel, 26379, [version] + arguments), isRESP3: version == "-3")
            }
            let state = try #require(states("SENTINEL", "master", "evergreen").first)
            #expect(state["name"] == "evergreen" && state["ip"] == master && state["port"] == "6379")
            #expect(state["flags"] == "master" && state["quorum"] == "2" && state["config-epoch"] == "0")
            #expect(state["num-slaves"] == "2" && state["num-other-sentinels"] == "2")
            #expect(states("SENTINEL", "masters").map { $0["name"] } == ["evergreen"])
            for command in ["replicas", "slaves"] {
                let replicas = states("SENTINEL", command, "evergreen")
                #expect(replicas.count == 2 && replicas.allSatisfy { $0["flags"] == "slave" }, "\(replicas)")
                #expect(replicas.allSatisfy { $0["master-host"] == master && $0["master-link-status"] == "ok" })
            }
            let peers = states("SENTINEL", "sentinels", "evergreen")
            #expect(peers.count == 2 && peers.allSatisfy { $0["flags"] == "sentinel" }, "\(peers)")
            #expect(Set(peers.compactMap { $0["ip"] }) == Set(Self.sentinelHosts.dropFirst()))
            #expect(ask("SENTINEL", "ckquorum", "evergreen").hasPrefix("OK 3 usable Sentinels."))
            #expect(ask("SENTINEL", "is-master-down-by-addr", master, "6379", "0", "*") == "0\n*\n0")
            #expect(ask("SENTINEL", "get-master-addr-by-name", "evergreen") == "\(master)\n6379")
            #expect(ask("SENTINEL", "master", "nobody").contains("No such master with that name"))
        }
        // The typed view: redis-cli without --raw shows RESP3 maps as maps and RESP2 lists as lists.
        let typed3 = try runTool(
            "redis-cli", ["--no-raw", "-3", "-h", sentinel, "-p", "26379", "SENTINEL", "master", "evergreen"])
        #expect(typed3.stdout.hasPrefix(" 1# \"name\" => \"evergreen\""), "\(typed3.stdout)")
        let typed2 = try runTool(
            "redis-cli", ["--no-raw", "-2", "-h", sentinel, "-p", "26379", "SENTINEL", "master", "evergreen"])
        #expect(typed2.stdout.hasPrefix(" 1) \"name\"\n 2) \"evergreen\""), "\(typed2.stdout)")
        let down = try runTool(
            "redis-cli",
            [
                "--no-raw", "-3", "-h", sentinel, "-p", "26379", "SENTINEL", "is-master-down-by-addr", master, "6379",
                "0", "*",
            ])
        #expect(down.stdout == "1) (integer) 0\n2) \"*\"\n3) (integer) 0\n", "\(down.stdout)")

        // redis-py, unmodified, in RESP2 and RESP3.
        guard let python = findOnPath("python3") else { throw TestFailure("python3 is not installed") }
        let script = ServerProcess.packageRoot.appendingPathComponent("Tests/redis-py/sentinel_replies.py").path
        let result = try runTool(
            python, [script, "evergreen", "2"] + Self.sentinelHosts.map { "\($0):26379" }, timeout: 30)
        #expect(result.status == 0, "redis-py: \(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("\"master\": \"\(master):6379\""))
    }
}

/// A plain TCP connection speaking RESP by hand, opened before a store is paused so that a command can be
/// queued on it while the store is stopped (redis-cli would connect afresh).
final class RawConnection {
    private let fd: Int32

    init(host: String, port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw TestFailure("connect to \(host):\(port): errno \(errno)")
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends one command as a RESP array of bulk strings.
    func send(_ arguments: String...) throws {
        var text = "*\(arguments.count)\r\n"
        for argument in arguments { text += "$\(argument.utf8.count)\r\n\(argument)\r\n" }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw TestFailure("write: errno \(errno)")
        }
    }

    /// The next reply line (`+PONG`, `-NOREPLICAS ...`), without its CRLF; throws after 10 s without one.
    func readLine() throws -> String {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while !line.ends(with: [13, 10]) {
            guard read(fd, &byte, 1) == 1 else { throw TestFailure("no reply line: errno \(errno)") }
            line.append(byte)
        }
        return String(decoding: line.dropLast(2), as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
