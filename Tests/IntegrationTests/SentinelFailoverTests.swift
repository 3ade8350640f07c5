import Core
import Foundation
import Testing

/// Three stores and three sentinels (`store --sentinel`), run from the built executables: the sentinels
/// find each other and the replicas, agree the master is dead after a `kill -9`, promote a replica, turn
/// the old master into a replica when it returns, and a restarted sentinel keeps what it learned.
/// Addresses 127.0.0.121-123 (stores) and 127.0.0.131-133 (sentinels).
@Suite(.serialized) struct SentinelFailoverTests {
    private static let stores = ["127.0.0.121", "127.0.0.122", "127.0.0.123"]
    private static let sentinels = ["127.0.0.131", "127.0.0.132", "127.0.0.133"]

    private func redis(_ host: String, _ port: Int, _ arguments: [String]) -> String {
        (try? runTool("redis-cli", ["-h", host, "-p", String(port)] + arguments, timeout: 5))?.stdout ?? ""
    }

    private func masterAddress(_ sentinel: String) -> String {
        redis(sentinel, 26379, ["SENTINEL", "get-master-addr-by-name", "evergreen"])
            .split(separator: "\n").joined(separator: ":")
    }

    private func field(_ sentinel: String, _ name: String) -> String? {
        let lines = redis(sentinel, 26379, ["SENTINEL", "master", "evergreen"]).split(separator: "\n").map(String.init)
        guard let index = lines.firstIndex(of: name), index + 1 < lines.count else { return nil }
        return lines[index + 1]
    }

    private func startStore(_ host: String, replicaOf master: String?) throws -> ServerProcess {
        var arguments = ["--bind", host, "--port", "6379", "--metrics-port", "-1", "--save", ""]
        if let master { arguments += ["--replicaof", master, "6379"] }
        return try ServerProcess("store", arguments)
    }

    private func startSentinel(_ host: String, dataDirectory: String, conf: String) throws -> ServerProcess {
        try ServerProcess(
            "store", ["--sentinel", conf],
            environment: [
                "STACK_ADDRESS": host, "STACK_PORT": "26379", "STACK_DATA_DIR": dataDirectory,
                "SENTINEL_MASTER": "\(SentinelFailoverTests.stores[0]):6379",
            ])
    }

    @Test("kill -9 of the master: a replica is promoted, the old master returns as a replica, state survives a restart")
    func failover() throws {
        guard findOnPath("redis-cli") != nil else {
            throw TestFailure("redis-cli is not installed: Tests/run-all installs it")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let conf = scratch + "/sentinel.conf"
        try """
        sentinel monitor evergreen 127.0.0.1 6379 2
        sentinel down-after-milliseconds evergreen 1000
        sentinel failover-timeout evergreen 10000
        """.write(toFile: conf, atomically: true, encoding: .utf8)

        var stores = [try startStore(Self.stores[0], replicaOf: nil)]
        for host in Self.stores.dropFirst() { stores.append(try startStore(host, replicaOf: Self.stores[0])) }
        var sentinels = try Self.sentinels.enumerated().map { index, host in
            try startSentinel(host, dataDirectory: "\(scratch)/s\(index)", conf: conf)
        }
        defer {
            for process in stores + sentinels { process.stop(grace: .seconds(2 as Int64)) }
        }
        try poll("the sentinels to know each other and both replicas", timeout: 15) {
            Self.sentinels.allSatisfy { field($0, "num-other-sentinels") == "2" && field($0, "num-slaves") == "2" }
        }
        #expect(redis(Self.stores[0], 6379, ["SET", "before", "1"]).hasPrefix("OK"))
        #expect(redis(Self.stores[0], 6379, ["WAIT", "2", "2000"]).hasPrefix("2"))

        kill(stores[0].process.processIdentifier, SIGKILL)
        stores[0].process.waitUntilExit()
        var promoted = ""
        try poll("every sentinel to name the same new master", timeout: 15) {
            let answers = Set(Self.sentinels.map(masterAddress))
            guard answers.count == 1, let address = answers.first, !address.isEmpty,
                address != "\(Self.stores[0]):6379"
            else { return false }
            promoted = address
            return true
        }
        let newMaster = String(promoted.split(separator: ":")[0])
        try poll("the promoted replica to be a master") { redis(newMaster, 6379, ["ROLE"]).hasPrefix("master") }
        let other = Self.stores.dropFirst().first { $0 != newMaster }!
        try poll("the other replica to follow the new master") {
            redis(other, 6379, ["INFO", "replication"]).contains("master_host:\(newMaster)")
        }
        #expect(redis(newMaster, 6379, ["GET", "before"]).hasPrefix("1"))
        #expect(field(Self.sentinels[0], "config-epoch").flatMap(Int.init).map { $0 >= 1 } == true)

        // The old master comes back believing it is still the master: it is made a replica.
        stores[0] = try startStore(Self.stores[0], replicaOf: nil)
        try poll("the old master to become a replica of the new one", timeout: 15) {
            redis(Self.stores[0], 6379, ["INFO", "replication"]).contains("master_host:\(newMaster)")
        }

        // A restarted sentinel keeps its epoch and the current master (from its state file).
        let epoch = field(Self.sentinels[1], "config-epoch")
        sentinels[1].stop()
        sentinels[1] = try startSentinel(Self.sentinels[1], dataDirectory: "\(scratch)/s1", conf: conf)
        try poll("the restarted sentinel to answer") { !masterAddress(Self.sentinels[1]).isEmpty }
        #expect(masterAddress(Self.sentinels[1]) == promoted)
        #expect(field(Self.sentinels[1], "config-epoch") == epoch)

        // redis-py's Sentinel client, unmodified, in RESP2 and RESP3.
        if let python = findOnPath("python3") {
            let script = ServerProcess.packageRoot.appendingPathComponent("Tests/redis-py/sentinel.py").path
            let result = try runTool(
                python, [script, "evergreen", ""] + Self.sentinels.map { "\($0):26379" }, timeout: 30)
            #expect(result.status == 0, "redis-py: \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("\"master\": \"\(promoted)\""))
        }
    }
}
