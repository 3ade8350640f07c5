import Core
import Foundation
import Testing

/// The built `store` with clients that wait: redis-cli SUBSCRIBE and BLPOP, served by other clients,
/// and redis-benchmark's XADD. The store listens on 127.0.77.1, apart from the other store tests.
@Suite struct StorePushTests {
    private func startStore() throws -> (ServerProcess, String, String) {
        let server = try ServerProcess("store", ["--bind", "127.0.77.1", "--port", "0", "--metrics-port", "0"])
        let parts = try server.waitForAddress().split(separator: ":")
        return (server, String(parts[0]), String(parts[1]))
    }

    private func cli(_ host: String, _ port: String, _ arguments: String...) throws -> String {
        try runTool("redis-cli", ["-h", host, "-p", port] + arguments).stdout
    }

    /// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
    private func eventually(
        within timeout: TimeAmount = .seconds(10 as Int64), _ condition: () throws -> Bool
    ) rethrows
        -> Bool
    {
        let deadline = Instant.now + timeout
        while Instant.now < deadline {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    @Test("redis-cli SUBSCRIBE receives what another redis-cli PUBLISHes")
    func subscribeReceivesPublish() throws {
        let (server, host, port) = try startStore()
        defer { server.stop() }
        let subscriber = try BackgroundTool("redis-cli", ["-h", host, "-p", port, "SUBSCRIBE", "news"])
        defer { subscriber.stop() }
        #expect(try eventually { try cli(host, port, "PUBSUB", "NUMSUB", "news") == "news\n1\n" })
        #expect(try cli(host, port, "PUBLISH", "news", "hello there") == "1\n")
        #expect(
            eventually { subscriber.stdout == "subscribe\nnews\n1\nmessage\nnews\nhello there\n" },
            "\(subscriber.stdout)")
        subscriber.stop()
        #expect(try eventually { try cli(host, port, "PUBSUB", "NUMSUB", "news") == "news\n0\n" })
    }

    @Test("redis-cli BLPOP waits until another client's RPUSH serves it")
    func blpopServedByPush() throws {
        let (server, host, port) = try startStore()
        defer { server.stop() }
        let waiter = try BackgroundTool("redis-cli", ["-h", host, "-p", port, "BLPOP", "jobs", "0"])
        defer { waiter.stop() }
        #expect(try eventually { try cli(host, port, "INFO", "clients").contains("blocked_clients:1\r") })
        #expect(waiter.stdout.isEmpty)
        #expect(try cli(host, port, "RPUSH", "jobs", "first", "second") == "2\n")
        #expect(eventually { waiter.stdout == "jobs\nfirst\n" }, "\(waiter.stdout)")
        #expect(eventually { !waiter.isRunning })
        #expect(try cli(host, port, "LRANGE", "jobs", "0", "-1") == "second\n")
        #expect(try cli(host, port, "INFO", "clients").contains("blocked_clients:0\r"))
    }

    @Test("redis-benchmark's XADD runs to completion, and XLEN counts what it added")
    func benchmarkXADD() throws {
        let (server, host, port) = try startStore()
        defer { server.stop() }
        let builtIn = try runTool(
            "redis-benchmark", ["-h", host, "-p", port, "-t", "xadd", "-n", "1000", "-q"], timeout: 120)
        #expect(builtIn.status == 0, "redis-benchmark: \(builtIn.stdout)\(builtIn.stderr)")
        // redis-benchmark 7.0 has no built-in xadd test (7.2 runs this command): run it by hand too.
        let explicit = try runTool(
            "redis-benchmark",
            ["-h", host, "-p", port, "-n", "1000", "-q", "XADD", "bench-stream", "*", "myfield", "value"],
            timeout: 120)
        #expect(explicit.status == 0, "redis-benchmark: \(explicit.stdout)\(explicit.stderr)")
        #expect(explicit.stdout.contains("requests per second"), "\(explicit.stdout)")
        #expect(!explicit.stdout.contains("ERR") && !explicit.stderr.contains("ERR"))
        #expect(try cli(host, port, "XLEN", "bench-stream") == "1000\n")
    }
}

/// A tool left running in the background (a subscriber, a blocked client), its stdout collected as it
/// arrives; killed on `stop()` or deinit.
final class BackgroundTool: @unchecked Sendable {
    // @unchecked Sendable: `output` is guarded by `lock`; `process` is set once in init.
    private let process = Process()
    private let lock = NSLock()
    private var output = ""

    init(_ tool: String, _ arguments: [String]) throws {
        guard let path = findOnPath(tool) else { throw TestFailure("\(tool) is not installed") }
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.output += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
    }

    deinit { stop() }

    /// What the tool wrote to stdout so far.
    var stdout: String {
        lock.lock()
        defer { lock.unlock() }
        return output
    }

    /// Whether the tool still runs.
    var isRunning: Bool { process.isRunning }

    /// Kills the tool and waits for it. SIGKILL: the test process blocks SIGTERM in its threads, and a
    /// child inherits that mask, so redis-cli would never see a SIGTERM.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
