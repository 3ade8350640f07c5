import Foundation
import Testing

/// redis-py 8 (RESP2 and the RESP3 it speaks by default) against the built `store` and redis-server
/// 7.0 side by side: `Tests/redis-py/compat.py` makes the same calls on both and fails on any
/// difference. Both listen on addresses of their own in 127.0.79.0/24.
@Suite struct StoreRedisPyTests {
    @Test("redis-py gets the same answers from the store as from redis-server, in RESP2 and RESP3")
    func sameAnswers() throws {
        guard let python = findOnPath("python3"), let redisServer = findOnPath("redis-server") else {
            print("skipped: python3 or redis-server is not installed")
            return
        }
        let hasRedisPy = try runTool(python, ["-c", "import redis"]).status == 0
        try #require(hasRedisPy, "redis-py is not installed: Tests/run-all installs it with pip")
        let ours = try ServerProcess(
            "store",
            ["--bind", "127.0.79.1", "--port", "6379", "--metrics-port", "-1", "--save", "", "--requirepass", "pw"])
        defer { ours.stop() }
        _ = try ours.waitForAddress()
        let redis = Process()
        redis.executableURL = URL(fileURLWithPath: redisServer)
        redis.arguments = [
            "--bind", "127.0.79.2", "--port", "6379", "--save", "", "--appendonly", "no", "--requirepass", "pw",
            "--logfile", "", "--dir", FileManager.default.temporaryDirectory.path,
        ]
        redis.standardOutput = FileHandle.nullDevice
        try redis.run()
        defer { kill(redis.processIdentifier, SIGKILL) }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let ping = try runTool("redis-cli", ["-h", "127.0.79.2", "-a", "pw", "--no-auth-warning", "PING"])
            if ping.stdout.contains("PONG") { break }
            usleep(20_000)
        }
        let script = ServerProcess.packageRoot.appendingPathComponent("Tests/redis-py/compat.py").path
        let result = try runTool(python, [script, "127.0.79.2:6379", "127.0.79.1:6379", "pw"], timeout: 60)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("RESP3:"))
    }
}
