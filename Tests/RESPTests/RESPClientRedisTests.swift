import Core
import Foundation
import RESP
import Reactor
import Testing

/// Black-box: RESPClient against a real redis-server of its own on 127.0.0.1, password required.
@Suite(.timeLimit(.minutes(1))) struct RESPClientRedisTests {
    static let password = "s3cret"

    /// redis-server's path: /usr/bin first, then PATH.
    private static func findRedisServer() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in ["/usr/bin"] + path.split(separator: ":").map(String.init) {
            let candidate = "\(directory)/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A 127.0.0.1 port the kernel just handed out and that nothing listens on now.
    private static func freePort() async throws -> Int {
        let loop = try EventLoop.start(name: "port-probe")
        defer { loop.stop() }
        return try await loop.submit { () throws -> Int in
            let listener = try Listener(address: SocketAddress("127.0.0.1:0")!, on: loop) { $0.close() }
            defer { listener.close() }
            return listener.address.port!
        }
    }

    /// Starts redis-server on a free port, waits until it answers, runs `body` with its address, kills it.
    private func withRedis(_ body: (SocketAddress) async throws -> Void) async throws {
        guard let executable = Self.findRedisServer() else {
            Issue.record(
                "redis-server is not installed: Tests/run-all (the test command) installs it with apt-get install redis-server"
            )
            return
        }
        // A port found free can be taken again before redis-server binds it (tests run in parallel):
        // try a few ports before giving up.
        for _ in 1...3 {
            if try await startRedis(executable, body) { return }
        }
        Issue.record("redis-server did not start on any of 3 free ports")
    }

    /// Runs redis-server on a fresh port; false if it exited at start (port taken), true once `body` ran.
    private func startRedis(
        _ executable: String, _ body: (SocketAddress) async throws -> Void
    )
        async throws -> Bool
    {
        let port = try await Self.freePort()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("evergreen-redis-\(getpid())-\(port)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--requirepass", Self.password, "--dir", directory.path, "--daemonize", "no", "--logfile", "",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            // SIGKILL, not terminate()'s SIGTERM: a child spawned from a cooperative thread inherits that
            // thread's signal mask, in which SIGTERM is blocked, so redis-server would never see it.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        let address = SocketAddress(host: "127.0.0.1", port: port)!
        let probe = try RESPClient(address: address, configuration: .init(password: Self.password))
        defer { probe.close() }
        let ready = await eventually(timeout: .seconds(10 as Int64)) {
            guard process.isRunning else { return true }
            return (try? await probe.send("PING")) == .simpleString("PONG")
        }
        guard process.isRunning else { return false }
        try #require(ready, "redis-server did not answer PING on port \(port) in time")
        try await body(address)
        return true
    }

    @Test("SET, GET and INCR work over RESP2 with the password")
    func resp2Commands() async throws {
        try await withRedis { address in
            let client = try RESPClient(address: address, configuration: .init(password: Self.password))
            defer { client.close() }
            #expect(try await client.send("SET", "greeting", "hello world") == .simpleString("OK"))
            #expect(try await client.send("GET", "greeting") == .bulkString("hello world"))
            #expect(try await client.send("GET", "missing") == .null)
            #expect(try await client.send("INCR", "counter") == .integer(1))
            #expect(try await client.send("INCRBY", "counter", "41") == .integer(42))
            let error = await failure { try await client.send("INCR", "greeting") }
            #expect(error?.code == .serverError)
            #expect(error?.message.hasPrefix("ERR value is not an integer") == true)
        }
    }

    @Test("a pipeline over RESP2 returns every reply in order, errors as values")
    func resp2Pipeline() async throws {
        try await withRedis { address in
            let client = try RESPClient(address: address, configuration: .init(password: Self.password))
            defer { client.close() }
            var commands: [[String]] = [["SET", "text", "abc"], ["INCR", "text"]]
            commands += (0..<500).map { _ in ["INCR", "n"] }
            commands.append(["GET", "n"])
            let replies = try await client.pipeline(commands)
            #expect(replies.count == commands.count)
            #expect(replies[0] == .simpleString("OK"))
            guard case .error(let message) = replies[1] else {
                Issue.record("expected an error value, got \(replies[1])")
                return
            }
            #expect(message.hasPrefix("ERR"))
            #expect(Array(replies[2..<502]) == (1...500).map { .integer($0) })
            #expect(replies[502] == .bulkString("500"))
        }
    }

    @Test("RESP3: HELLO 3 returns a map and replies use RESP3 types")
    func resp3() async throws {
        try await withRedis { address in
            let configuration = RESPClient.Configuration(password: Self.password, protocolVersion: 3)
            let client = try RESPClient(address: address, configuration: configuration)
            defer { client.close() }
            let hello = try await client.send("HELLO", "3")
            guard case .map(let pairs) = hello else {
                Issue.record("expected a map, got \(hello)")
                return
            }
            #expect(pairs.contains { $0.key == .bulkString("proto") && $0.value == .integer(3) })
            #expect(pairs.contains { $0.key == .bulkString("server") && $0.value == .bulkString("redis") })
            #expect(try await client.send("HSET", "h", "field", "value") == .integer(1))
            #expect(try await client.send("HGETALL", "h") == .map([.init(.bulkString("field"), .bulkString("value"))]))
            #expect(try await client.send("GET", "missing") == .null)
            let replies = try await client.pipeline([["SET", "k", "v"], ["GET", "k"], ["EXISTS", "k"]])
            #expect(replies == [.simpleString("OK"), .bulkString("v"), .integer(1)])
        }
    }

    @Test("RESP2 sees a hash as a flat array")
    func resp2Hash() async throws {
        try await withRedis { address in
            let client = try RESPClient(address: address, configuration: .init(password: Self.password))
            defer { client.close() }
            #expect(try await client.send("HSET", "h", "field", "value") == .integer(1))
            #expect(try await client.send("HGETALL", "h") == .array([.bulkString("field"), .bulkString("value")]))
        }
    }

    @Test("a wrong password is refused with connectFailed, over RESP2 and RESP3")
    func wrongPassword() async throws {
        try await withRedis { address in
            for version in [2, 3] {
                let configuration = RESPClient.Configuration(password: "wrong", protocolVersion: version)
                let client = try RESPClient(address: address, configuration: configuration)
                defer { client.close() }
                let error = await failure { try await client.send("PING") }
                #expect(error?.code == .connectFailed, "RESP\(version)")
                #expect(error?.message.contains("WRONGPASS") == true, "RESP\(version)")
            }
        }
    }
}
