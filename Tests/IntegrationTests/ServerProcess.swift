import Core
import Foundation

/// A built executable of this package run as a child process, for black-box tests.
///
/// Captures stderr (the structured log), finds the address the server logged with `address=`, and
/// kills the process on `stop()` or deinit.
final class ServerProcess: @unchecked Sendable {
    // @unchecked Sendable: `log` is guarded by `lock`; the rest is set once in init.
    let process = Process()
    private let lock = NSLock()
    private var log = ""

    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The path of a built executable (debug build, as `Tests/run-all` builds it).
    static func executable(_ name: String) -> String {
        packageRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    /// Starts `name` with `arguments`, and `environment` added to the test's own.
    init(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let path = ServerProcess.executable(name)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("\(path) is not built: run `swift build` first (Tests/run-all does)")
        }
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        // A scratch working directory: whatever the server writes relative to it (a store's dump.rdb on
        // SIGTERM) never lands in the repository or leaks into the next test.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        process.currentDirectoryURL = scratch
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.log += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
    }

    deinit { stop() }

    /// Everything the process wrote to stderr so far.
    var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    /// Waits until the log names the listening address and returns it (`127.0.0.1:PORT`).
    func waitForAddress(timeout: TimeAmount = .seconds(10 as Int64)) throws -> String {
        let deadline = Instant.now + timeout
        while Instant.now < deadline {
            if let range = stderr.range(of: #"address=127\.[0-9.]+:[0-9]+"#, options: .regularExpression) {
                return String(stderr[range].dropFirst("address=".count))
            }
            if !process.isRunning { throw TestFailure("process exited early: \(stderr)") }
            usleep(10_000)
        }
        throw TestFailure("no listening address logged within \(timeout): \(stderr)")
    }

    /// SIGTERM, then SIGKILL if the process is still there after `grace` (a server that refuses to
    /// exit must fail its test, not hang the suite).
    func stop(grace: TimeAmount = .seconds(10 as Int64)) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Instant.now + grace
        while process.isRunning && Instant.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// A tool run to completion: its exit status and output.
struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `tool` (looked up on PATH) with `arguments` and optional stdin, bounded by `timeout` seconds.
func runTool(_ tool: String, _ arguments: [String], input: Data? = nil, timeout: Double = 20) throws -> ToolResult {
    guard let path = tool.hasPrefix("/") ? tool : findOnPath(tool) else {
        throw TestFailure("\(tool) is not installed: the test command (Tests/run-all) installs it")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    let inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(input) }
    try? inPipe.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(timeout)
    // Read both pipes to the end (a full pipe would block the tool), then reap it.
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    let stderrData = err.fileHandleForReading.readDataToEndOfFile()
    while process.isRunning && Date() < deadline { usleep(5_000) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    return ToolResult(
        status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
        stderr: String(decoding: stderrData, as: UTF8.self))
}

func findOnPath(_ tool: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
