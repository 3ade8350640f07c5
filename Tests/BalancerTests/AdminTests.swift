import Core
import Foundation
import HTTP
import Reactor
import TestSupport
import Testing

@testable import Balancer

@Suite("proxy: rate limit, status page, metrics")
struct AdminTests {
    @Test("a client over its rate gets 429 with Retry-After; under it, answers flow")
    func rateLimit() async throws {
        let a = try await Backend.start("a")
        defer { Task { await a.stop() } }
        try await withBalancer(
            upstreams: [a.address],
            configure: { $0.rateLimit = BalancerConfiguration.RateLimit(requestsPerSecond: 0.2, burst: 3) }
        ) { _, address in
            let client = try RawClient(address)
            var statuses: [Int] = []
            for _ in 0..<5 {
                try await client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                let response = try #require(try await client.readResponse())
                statuses.append(response.status)
                if response.status == 429 {
                    // A token every 5 s: the wait is rounded up to whole seconds, 1 to 5.
                    #expect((1...5).contains(Int(response.header("Retry-After") ?? "") ?? 0))
                }
            }
            #expect(statuses == [200, 200, 200, 429, 429])
        }
    }

    @Test("the admin port serves the status page (HTML and JSON) and Prometheus metrics promtool accepts")
    func adminPort() async throws {
        let a = try await Backend.start("a")
        defer { Task { await a.stop() } }
        try await withBalancer(
            upstreams: [a.address], configure: { $0.admin = SocketAddress("127.0.0.1:0")! }
        ) { server, address in
            for _ in 0..<3 { _ = try await rawRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n", to: address) }
            let admin = try #require(server.adminAddress)
            let json = try #require(try await rawRequest("GET /status.json HTTP/1.1\r\nHost: h\r\n\r\n", to: admin))
            let document = try JSONSerialization.jsonObject(with: Data(json.bodyText.utf8)) as? [String: Any]
            let upstreams = try #require(document?["upstreams"] as? [[String: Any]])
            #expect(upstreams.count == 1)
            #expect(upstreams.first?["state"] as? String == "up")
            #expect(upstreams.first?["requests"] as? Int == 3)

            let html = try #require(try await rawRequest("GET /status HTTP/1.1\r\nHost: h\r\n\r\n", to: admin))
            #expect(html.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(html.bodyText.contains(a.address.description))

            let metrics = try #require(try await rawRequest("GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n", to: admin))
            let text = metrics.bodyText
            #expect(text.contains("balancer_requests_total{upstream=\"\(a.address)\",code=\"200\"} 3"))
            #expect(text.contains("balancer_upstream_up{upstream=\"\(a.address)\"} 1"))
            for family in [
                "balancer_request_duration_seconds_bucket", "balancer_retries_total", "balancer_connections_active",
                "balancer_upstream_active_requests", "process_resident_memory_bytes",
            ] {
                #expect(text.contains(family), "\(family) missing")
            }
            #expect(try promtoolAccepts(text))
        }
    }

    /// Whether `promtool check metrics` accepts `text` (skipped, true, when promtool is not installed).
    private func promtoolAccepts(_ text: String) throws -> Bool {
        guard
            let path = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else { return true }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if process.terminationStatus != 0 { Issue.record("promtool: \(report)") }
        return process.terminationStatus == 0
    }
}
