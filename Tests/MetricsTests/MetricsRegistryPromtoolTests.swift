import Foundation
import Testing

@testable import Metrics

/// The exposition checked by the reference implementation: `promtool check metrics` must accept it
/// with exit status 0 and print nothing (no lint warnings either).
@Suite struct MetricsRegistryPromtoolTests {
    /// promtool's path, searched on PATH as a shell would.
    private static func findPromtool() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/promtool"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A registry holding every type, labels that need escaping, and the process metrics.
    private static func fullRegistry() -> MetricsRegistry {
        let registry = MetricsRegistry()
        let requests = registry.counter(
            name: "http_requests_total", help: "Requests served, by method and status.", labelNames: ["method", "code"])
        requests.labels("GET", "200").increment(by: 41)
        requests.labels("PO\"ST", "5\\00\nx").increment()
        registry.counter(name: "bytes_written_total", help: "Bytes written \\ sent.\nSecond line.").increment(by: 0.5)
        registry.gauge(name: "open_connections", help: "Open connections.").set(12)
        let odd = registry.gauge(name: "odd_values", help: "Values with special spellings.", labelNames: ["kind"])
        odd.labels("inf").set(.infinity)
        odd.labels("minus_inf").set(-.infinity)
        odd.labels("nan").set(.nan)
        odd.labels("huge").set(1e300)
        odd.labels("tiny").set(-Double.leastNonzeroMagnitude)
        let latency = registry.histogram(
            name: "http_request_duration_seconds", help: "Request latency.", labelNames: ["route"])
        for value in [0.001, 0.02, 0.3, 4, 50] { latency.labels("/cart \"checkout\"").observe(value) }
        _ = latency.labels("/empty")
        registry.histogram(name: "payload_size_bytes", help: "Payload sizes.", buckets: [64, 1024, 65536])
            .observe(100)
        registry.eventLoopLag.labels("0").set(0.0001)
        ProcessMetrics.register(in: registry)
        return registry
    }

    @Test("promtool check metrics accepts the exposition without a warning")
    func promtoolAccepts() throws {
        guard let promtool = Self.findPromtool() else {
            Issue.record("promtool is not installed: apt-get install -y prometheus (Tests/run-all installs it)")
            return
        }
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("evergreen-metrics-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).prom")
        defer { try? FileManager.default.removeItem(at: file) }
        let exposition = Self.fullRegistry().render()
        try exposition.write(to: file, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        process.standardInput = try FileHandle(forReadingFrom: file)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0, "promtool said:\n\(printed)\nfor:\n\(exposition)")
        #expect(printed.isEmpty, "promtool said:\n\(printed)\nfor:\n\(exposition)")
    }
}
