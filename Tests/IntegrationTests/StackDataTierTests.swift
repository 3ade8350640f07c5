import Foundation
import Testing

/// The data tier as `stack.json` runs it: `store` instances where `STORE_MASTER={{store.1.address}}`
/// makes every instance but the first a replica of the first (octet 62).
@Suite struct StackDataTierTests {
    private let services = #"""
        "store": {"command": ["store", "--save", "", "--metrics-port", "-1"], "replicas": 3, "port": 6379,
                  "environment": {"STORE_MASTER": "{{store.1.address}}"}, "restart": "always",
                  "healthcheck": {"tcp": true, "interval": "200ms", "timeout": "500ms", "retries": 3}}
        """#

    private func cli(_ instance: Instance, _ arguments: String...) throws -> String {
        let host = String(instance.address.split(separator: ":")[0])
        return try runTool("redis-cli", ["-h", host, "-p", "6379"] + arguments).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    @Test("store-1 is the master and the others replicate it; a replica scaled in under writes gets every write")
    func replicatedDataTier() throws {
        let project = try StackProject("datatier", octet: 62, services: services)
        defer { project.tearDown() }
        try project.up()
        let stores = try project.waitUntil("3 stores running") {
            $0.count == 3 && $0.allSatisfy { $0.state == "running" }
        }
        try poll("store-1 to have 2 replicas online") {
            try cli(stores[0], "INFO", "replication").contains("connected_slaves:2")
        }
        #expect(try cli(stores[0], "SET", "hello", "world") == "OK")
        for replica in stores.dropFirst() {
            try poll("\(replica.name) to have the write") { try cli(replica, "GET", "hello") == "world" }
            #expect(try cli(replica, "ROLE").hasPrefix("slave"))
            #expect(try cli(replica, "SET", "x", "1").hasPrefix("READONLY"))
        }

        let writer = try BackgroundTool(
            "redis-cli",
            ["-h", String(stores[0].address.split(separator: ":")[0]), "-p", "6379", "-r", "3000", "INCR", "n"])
        defer { writer.stop() }
        try project.expectSuccess(["scale", "store=4"])
        let added = try project.waitFor("store-4", "running") { $0.state == "running" }
        try poll("the writer to finish", timeout: 30) { !writer.isRunning }
        try poll("store-4 to have every write") { try cli(added, "GET", "n") == "3000" }
        #expect(try cli(stores[0], "WAIT", "3", "5000") == "3")

        // A replica that crashes comes back (restart: always) and resynchronises.
        try project.expectSuccess(["kill", "store-2"])
        _ = try project.waitFor("store-2", "restarted") { $0.restarts == 1 && $0.state == "running" }
        _ = try cli(stores[0], "INCR", "n")
        try poll("store-2 to catch up after its restart") { try cli(stores[1], "GET", "n") == "3001" }
    }
}
