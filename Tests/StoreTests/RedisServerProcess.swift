import Core
import Foundation
import Reactor
import Testing

/// A redis-server of the test's own on 127.0.0.1 (a port the kernel just handed out), in a temporary
/// directory, driven with redis-cli. For RDB interop tests; killed by `stop()`.
final class RedisServerProcess {
    /// The tools' directory-resolved paths, nil when redis-server is not installed.
    static let serverPath = find("redis-server")
    static let cliPath = find("redis-cli")
    static let checkPath = find("redis-check-rdb")

    let directory: URL
    let port: Int
    private let process: Process

    /// The dump file's path in the server's directory.
    var dumpPath: String { directory.appendingPathComponent("dump.rdb").path }

    private init(directory: URL, port: Int, process: Process) {
        self.directory = directory
        self.port = port
        self.process = process
    }

    /// A fresh temporary directory.
    static func makeDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("evergreen-rdb-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Starts redis-server in `directory` (loading `dump.rdb` if there is one) and waits until PING
    /// answers PONG, polling with a deadline; tries three ports in case one is taken meanwhile.
    static func start(in directory: URL) async throws -> RedisServerProcess? {
        guard let serverPath else { return nil }
        for _ in 1...3 {
            let port = try await freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: serverPath)
            process.arguments = [
                "--bind", "127.0.0.1", "--port", "\(port)", "--dir", directory.path, "--dbfilename", "dump.rdb",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let server = RedisServerProcess(directory: directory, port: port, process: process)
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline, process.isRunning {
                if server.cli(["PING"]) == "PONG" { return server }
                try await Task.sleep(for: .milliseconds(20))
            }
            server.stop()
        }
        return nil
    }

    /// Runs redis-cli against the server with `arguments` (and `input` on stdin); its trimmed stdout.
    @discardableResult
    func cli(_ arguments: [String], input: String? = nil) -> String {
        guard let cliPath = Self.cliPath else { return "" }
        return Self.run(cliPath, ["-h", "127.0.0.1", "-p", "\(port)"] + arguments, input: input).output
    }

    /// Kills the server (SIGKILL: a child of a cooperative thread may have SIGTERM blocked).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs `path` with `arguments`; its trimmed stdout and exit status.
    static func run(_ path: String, _ arguments: [String], input: String? = nil) -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        do { try process.run() } catch { return ("", -1) }
        if let input {
            // A writer thread: the child may fill the output pipe before it has read all its input.
            let data = Data(input.utf8)
            Thread.detachNewThread {
                stdin.fileHandleForWriting.write(data)
                try? stdin.fileHandleForWriting.close()
            }
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (text, process.terminationStatus)
    }

    private static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in ["/usr/bin"] + path.split(separator: ":").map(String.init) {
            let candidate = "\(directory)/\(name)"
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
}
