import Core
import Foundation
import Reactor
import Testing

/// The balancer in a stack, through the built `stack`: it follows the discovery file while traffic flows
/// (octet 63; published on 127.63.1.1:8080).
@Suite(.serialized) struct BalancerStackTests {
    private static let published = SocketAddress("127.63.1.1:8080")!

    private func project(_ name: String) throws -> StackProject {
        try StackProject(
            name, octet: 63,
            services: """
                "api": {"command": ["benchserver", "http"], "replicas": 2, "port": 8000, "restart": "always",
                        "healthcheck": {"http": "/", "interval": "500ms", "timeout": "500ms", "retries": 3}},
                "balancer": {"command": ["balancer"], "port": 8080, "publish": ["\(BalancerStackTests.published)"],
                             "restart": "always", "depends_on": {"api": "healthy"},
                             "environment": {"LOG_LEVEL": "warn"}, "healthcheck": {"tcp": true}}
                """)
    }

    /// Polls the load's tally until `condition` holds; fails the test after `timeout` seconds.
    private func waitFor(
        _ what: String, in load: LoadLoop, timeout: Double = 15, _ condition: (LoadLoop.Tally) -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(load.snapshot) {
            if Date() > deadline { throw TestFailure("timed out waiting for \(what); tally: \(load.snapshot)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test("scaling the api up and down and killing an instance under load: every request answered 200")
    func scaleAndKillUnderLoad() async throws {
        let project = try project("lb")
        defer { project.tearDown() }
        try project.up()
        try poll("the balancer to answer on its published address") {
            (try? runTool("curl", ["-sf", "--max-time", "2", "http://\(BalancerStackTests.published)/"]))?.status == 0
        }
        let load = try LoadLoop(to: BalancerStackTests.published)
        try await waitFor("both instances to serve", in: load) { Set($0.servedBy.keys) == ["api-1", "api-2"] }

        try project.expectSuccess(["scale", "api=4"])
        try await waitFor("the new instances to take traffic", in: load) {
            $0.servedBy["api-3", default: 0] > 0 && $0.servedBy["api-4", default: 0] > 0
        }

        try project.expectSuccess(["scale", "api=2"])
        try project.waitUntil("api-3 and api-4 gone") { $0.filter { $0.service == "api" }.count == 2 }
        try await waitFor("only api-1 and api-2 to serve", in: load) {
            $0.recent.count == 50 && Set($0.recent).isSubset(of: ["api-1", "api-2"])
        }

        let before = try project.instance("api-2")
        try project.expectSuccess(["kill", "api-2"])
        try project.waitFor("api-2", "restarted and healthy") { $0.pid != before.pid && $0.health == "healthy" }
        let killedAt = load.snapshot.servedBy["api-2", default: 0]
        try await waitFor("api-2 to serve again after its restart", in: load) {
            $0.servedBy["api-2", default: 0] > killedAt + 10
        }

        let tally = await load.stop()
        // A loaded machine sends few requests; enough of them crossed every change for the count to mean something.
        #expect(tally.total > 50)
        #expect(tally.nonSuccess == 0, "statuses \(tally.statuses), failures \(tally.failures.prefix(5))")
    }
}

/// The balancer run directly with a configuration file: SIGHUP reloads it, and a broken file changes
/// nothing (127.0.0.87-89).
@Suite struct BalancerReloadTests {
    @Test("SIGHUP applies a new upstream list; a broken file is refused and the old list keeps serving")
    func reload() throws {
        let first = try ServerProcess(
            "benchserver", ["http", "--address", "127.0.0.87", "--port", "8001", "--threads", "1"])
        let second = try ServerProcess(
            "benchserver", ["http", "--address", "127.0.0.88", "--port", "8001", "--threads", "1"])
        defer {
            first.stop()
            second.stop()
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("balancer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("balancer.json").path
        func configure(_ upstream: String) throws {
            try """
            {"upstreams": {"static": [{"address": "\(upstream)", "name": "\(upstream)"}]},
             "health_check": {"interval": "500ms", "timeout": "500ms", "rise": 1}}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        }
        try configure("127.0.0.87:8001")
        let balancer = try ServerProcess(
            "balancer", ["--config", config, "--bind", "127.0.0.89", "--port", "0", "--threads", "1"])
        defer { balancer.stop() }
        let address = try balancer.waitForAddress()
        func servedBy() -> String? {
            guard
                let result = try? runTool(
                    "curl", ["-s", "-D", "-", "-o", "/dev/null", "--max-time", "2", "http://\(address)/"])
            else { return nil }
            return result.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("x-served-by:") }
                .map { String($0.dropFirst("x-served-by:".count)).trimmingCharacters(in: .whitespaces) }
        }
        try poll("the first upstream to serve", timeout: 30) { servedBy() == "127.0.0.87:8001" }

        try configure("127.0.0.88:8001")
        kill(balancer.process.processIdentifier, SIGHUP)
        try poll("the reloaded upstream to serve", timeout: 30) { servedBy() == "127.0.0.88:8001" }

        try "{\"upstreams\": {\"static\": [".write(toFile: config, atomically: true, encoding: .utf8)
        kill(balancer.process.processIdentifier, SIGHUP)
        try poll("the failed reload to be logged") { balancer.stderr.contains("reload failed") }
        for _ in 0..<3 { #expect(servedBy() == "127.0.0.88:8001") }
        #expect(balancer.process.isRunning)
    }
}
