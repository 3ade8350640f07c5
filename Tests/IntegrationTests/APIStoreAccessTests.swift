import Core
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `api` in front of a built `store` master and its replica: how it rides out an outage and a
/// failover. Addresses of its own (127.0.0.84-86); serialised because the stores use a fixed port, so a
/// restarted one comes back where the API looks for it.
@Suite(.serialized) struct APIStoreAccessTests {
    static let master = "127.0.0.84"
    static let replica = "127.0.0.85"
    static let port = "6379"
    static let adminToken = "store-access-admin-token-0123456789"

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
        var seconds: Double
    }

    /// A store at `host`, optionally the replica of `master`.
    private func startStore(_ host: String, replicaOf master: String? = nil) throws -> ServerProcess {
        var arguments = ["--bind", host, "--port", Self.port, "--save", "", "--metrics-port", "-1"]
        if let master { arguments += ["--replicaof", master, Self.port] }
        let store = try ServerProcess("store", arguments)
        _ = try store.waitForAddress()
        return store
    }

    /// The api, knowing both stores, with the master first.
    private func startAPI() throws -> (ServerProcess, String) {
        let api = try ServerProcess(
            "api", ["--bind", "127.0.0.86", "--port", "0", "--threads", "2"],
            environment: [
                "API_ADMIN_TOKEN": Self.adminToken,
                "STORE_ADDRESSES": "\(Self.master):\(Self.port),\(Self.replica):\(Self.port)",
            ])
        return (api, "http://\(try api.waitForAddress())")
    }

    private func cli(_ host: String, _ arguments: String...) throws -> String {
        try runTool("redis-cli", ["-h", host, "-p", Self.port] + arguments).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass; whether it held.
    private func eventually(within seconds: Int64 = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Instant.now + .seconds(seconds)
        while Instant.now < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    /// Waits until the master reports its replica in sync.
    private func waitForReplica() throws {
        let online = try eventually { try cli(Self.master, "INFO", "replication").contains("state=online") }
        #expect(online, "the replica never came online")
    }

    /// One request with curl, as the admin.
    private func request(_ method: String, _ url: String, json: String? = nil) throws -> Answer {
        var arguments = ["-sS", "-i", "--max-time", "10", "-X", method, url]
        arguments += ["-H", "Authorization: Bearer \(Self.adminToken)"]
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        let started = Instant.now
        let result = try runTool("curl", arguments)
        let seconds = (Instant.now - started).seconds
        guard result.status == 0, let split = result.stdout.range(of: "\r\n\r\n") else {
            throw TestFailure("curl \(arguments): \(result.status) \(result.stderr)")
        }
        let headLines = result.stdout[..<split.lowerBound].components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return Answer(
            status: Int(headLines[0].split(separator: " ")[1]) ?? 0, headers: headers,
            body: String(result.stdout[split.upperBound...]), seconds: seconds)
    }

    private func product(_ id: Int, isSold: Bool = false) -> String {
        #"{"id":"\#(id)","name":"Pen","category":"office","company":"Acme","is_sold":"\#(isSold ? 1 : 0)","#
            + #""date_manufactured":"2024-02-29","cost":"12.50"}"#
    }

    @Test("store down gives 503 quickly and recovers by itself")
    func outage() throws {
        var master = try startStore(Self.master)
        let replica = try startStore(Self.replica, replicaOf: Self.master)
        let (api, base) = try startAPI()
        defer {
            api.stop()
            replica.stop()
            master.stop()
        }
        try waitForReplica()
        #expect(try request("POST", "\(base)/product", json: product(1)).status == 201)

        kill(master.process.processIdentifier, SIGKILL)
        master.process.waitUntilExit()
        // Writes fail fast: refused connections first, then the open circuit, never a hang.
        for _ in 0..<8 {
            let answer = try request("PUT", "\(base)/product", json: product(1, isSold: true))
            #expect(answer.status == 503 && answer.headers["retry-after"].flatMap { Int($0) } ?? 0 >= 1)
            #expect(answer.seconds < 1, "a write with the master down took \(answer.seconds) s")
        }
        // Writes are transactions on their own connections; reads go through the gateway and open its circuit.
        for _ in 0..<8 {
            let answer = try request("GET", "\(base)/product?id=1")
            #expect(answer.status == 503 && answer.headers["retry-after"].flatMap { Int($0) } ?? 0 >= 1)
            #expect(answer.seconds < 1, "a read with the master down took \(answer.seconds) s")
        }
        let metrics = try request("GET", "\(base)/metrics").body
        #expect(metrics.contains(#/shop_store_circuit_state\{loop="[^"]+"\} [12]/#), "\(metrics)")

        master = try startStore(Self.master)
        // The restarted master starts empty (no snapshot): a create shows the API is back.
        let recovered = try eventually { try request("POST", "\(base)/product", json: product(2)).status == 201 }
        #expect(recovered, "the api did not recover: \(api.stderr)")
    }

    @Test("after a failover (replica promoted, old master its replica) writes go on through rediscovery")
    func failover() throws {
        let master = try startStore(Self.master)
        let replica = try startStore(Self.replica, replicaOf: Self.master)
        let (api, base) = try startAPI()
        defer {
            api.stop()
            replica.stop()
            master.stop()
        }
        try waitForReplica()
        #expect(try request("POST", "\(base)/product", json: product(1)).status == 201)

        #expect(try cli(Self.replica, "REPLICAOF", "NO", "ONE") == "OK")
        #expect(try cli(Self.master, "REPLICAOF", Self.replica, Self.port) == "OK")
        // The old master now answers -READONLY: the api locates the promoted replica and writes there.
        var last: Answer?
        let written = try eventually {
            last = try request("PUT", "\(base)/product", json: product(1, isSold: true))
            return last?.status == 200
        }
        #expect(written, "last answer: \(String(describing: last)); log: \(api.stderr)")
        #expect(try cli(Self.replica, "ROLE").hasPrefix("master"))
        // Every loop of the api follows (the one that noticed tells the others, which then look for themselves).
        #expect(try eventually { try request("POST", "\(base)/product", json: product(2)).status == 201 })
        let read = try eventually { try request("GET", "\(base)/product?id=1").body.contains(#""is_sold":true"#) }
        #expect(read, "the sold product was never read back")
    }
}
