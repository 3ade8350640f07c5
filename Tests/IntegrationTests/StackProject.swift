import Foundation
import Testing

/// A throw-away project directory with a `stack.json`, driven through the built `stack` executable.
///
/// Every test gets its own subnet (`127.<octet>.0.0/24`): tests run in parallel and must never share
/// instance addresses or the supervisor's metrics port (`<subnet>.1:9099`). Call `tearDown()` in a
/// `defer`: it brings the stack down and, as a last resort, SIGKILLs every process the project ever
/// showed (the supervisor and each instance's process group) that is still alive.
final class StackProject: @unchecked Sendable {
    // @unchecked Sendable: `seenPIDs` is guarded by `lock`; the rest is set once in init.
    let directory: String
    let octet: Int
    private let lock = NSLock()
    private var seenPIDs: Set<Int32> = []

    /// The built `stack`; it finds `stackprobe` beside itself.
    static let stackPath = ServerProcess.executable("stack")

    /// Creates the directory and writes `stack.json` with project `name`, subnet `127.<octet>.0.0/24`
    /// and `services` (the JSON object's members, as text).
    init(_ name: String, octet: Int, services: String, extra: String = "") throws {
        precondition((30...250).contains(octet), "test subnets use 127.30-250.0.0/24")
        guard FileManager.default.isExecutableFile(atPath: StackProject.stackPath) else {
            throw TestFailure("\(StackProject.stackPath) is not built: run `swift build` first (Tests/run-all does)")
        }
        self.octet = octet
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "stack-\(name)-\(UUID().uuidString.prefix(8))"
            ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let manifest = """
            {"name": "\(name)", "network": {"subnet": "127.\(octet).0.0/24"}\(extra),
             "services": {\(services)}}
            """
        try write("stack.json", manifest)
    }

    /// Writes a file in the project directory.
    func write(_ file: String, _ text: String) throws {
        try text.write(toFile: directory + "/" + file, atomically: true, encoding: .utf8)
    }

    /// Reads a file of the project directory, or nil.
    func read(_ file: String) -> String? {
        try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)
    }

    var socketPath: String { directory + "/.stack/run/stack.sock" }

    /// The instances `.stack/run/state.json` remembers as stopped by hand.
    func userStopped() -> [String] {
        struct State: Decodable { var user_stopped: [String] }
        guard let text = read(".stack/run/state.json") else { return [] }
        return (try? JSONDecoder().decode(State.self, from: Data(text.utf8)))?.user_stopped ?? []
    }

    // MARK: - Driving the CLI

    /// Runs `stack --project-directory <dir> <arguments>` to completion.
    @discardableResult
    func stack(_ arguments: [String], timeout: Double = 30) throws -> ToolResult {
        try runBounded(StackProject.stackPath, ["--project-directory", directory] + arguments, timeout: timeout)
    }

    /// Runs `stack` and fails the test unless it exits 0.
    @discardableResult
    func expectSuccess(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> ToolResult {
        let result = try stack(arguments)
        #expect(
            result.status == 0, "stack \(arguments.joined(separator: " ")): \(result.stdout)\(result.stderr)",
            sourceLocation: sourceLocation)
        return result
    }

    /// `stack up -d --wait` (the services healthy), failing the test otherwise.
    func up(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try stack(["up", "-d", "--wait", "--timeout", "30"])
        guard result.status == 0 else {
            let log = read(".stack/logs/supervisor.log") ?? ""
            throw TestFailure("stack up failed (\(result.status)): \(result.stdout)\(result.stderr)\n\(log)")
        }
        _ = try? supervisorPID()
    }

    /// `stack ps --json`, decoded; every pid seen is remembered for the last-resort cleanup.
    func ps() throws -> [Instance] {
        let result = try stack(["ps", "--json"])
        guard result.status == 0 else { throw TestFailure("stack ps failed: \(result.stderr)") }
        let instances = try JSONDecoder().decode([Instance].self, from: Data(result.stdout.utf8))
        remember(instances.compactMap(\.pid))
        return instances
    }

    /// The instance called `name` in `stack ps`.
    func instance(_ name: String) throws -> Instance {
        guard let instance = try ps().first(where: { $0.name == name }) else {
            throw TestFailure("no instance \(name) in stack ps")
        }
        return instance
    }

    /// Polls `stack ps --json` until `condition` holds; throws with the last listing after `timeout` s.
    @discardableResult
    func waitUntil(
        _ what: String, timeout: Double = 10, _ condition: ([Instance]) throws -> Bool
    ) throws -> [Instance] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [Instance] = []
        while true {
            last = try ps()
            if try condition(last) { return last }
            if Date() > deadline {
                throw TestFailure("timed out after \(timeout) s waiting for \(what); ps: \(last)")
            }
            usleep(20_000)
        }
    }

    /// Polls until the named instance satisfies `condition`, and returns it.
    @discardableResult
    func waitFor(
        _ name: String, _ what: String, timeout: Double = 10, _ condition: (Instance) -> Bool
    ) throws -> Instance {
        let instances = try waitUntil("\(name) \(what)", timeout: timeout) { instances in
            instances.first { $0.name == name }.map(condition) ?? false
        }
        return instances.first { $0.name == name }!
    }

    // MARK: - The control API, through curl

    /// GETs `path` from the control socket with curl.
    func control(_ path: String) throws -> String {
        let result = try runTool(
            "curl", ["-sS", "--max-time", "10", "--unix-socket", socketPath, "http://stack\(path)"])
        guard result.status == 0 else { throw TestFailure("curl \(path) failed: \(result.stderr)") }
        return result.stdout
    }

    /// The recent events (`GET /v1/events` without follow), oldest first.
    func events() throws -> [Event] {
        try Event.decodeLines(control("/v1/events"))
    }

    /// Polls the events until `condition` holds for them.
    @discardableResult
    func waitForEvents(_ what: String, timeout: Double = 10, _ condition: ([Event]) -> Bool) throws -> [Event] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let events = try self.events()
            if condition(events) { return events }
            if Date() > deadline { throw TestFailure("timed out waiting for events: \(what); events: \(events)") }
            usleep(20_000)
        }
    }

    /// The supervisor daemon's pid, from `GET /v1/health`.
    func supervisorPID() throws -> Int32 {
        struct Health: Decodable {
            var status: String
            var pid: Int32
        }
        let health = try JSONDecoder().decode(Health.self, from: Data(control("/v1/health").utf8))
        remember([health.pid])
        return health.pid
    }

    // MARK: - Cleanup

    private func remember(_ pids: [Int32]) {
        lock.lock()
        seenPIDs.formUnion(pids)
        lock.unlock()
    }

    /// Brings the stack down (1 s grace) and SIGKILLs whatever the project started that still runs.
    func tearDown() {
        if FileManager.default.fileExists(atPath: socketPath) {
            _ = try? supervisorPID()
            _ = try? stack(["down", "-t", "1"], timeout: 15)
        }
        lock.lock()
        let pids = seenPIDs
        lock.unlock()
        for pid in pids where isOurs(pid) {
            kill(-pid, SIGKILL)  // an instance leads its own process group
            kill(pid, SIGKILL)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Whether `pid` still runs one of our programs (not a recycled pid of something else).
    private func isOurs(_ pid: Int32) -> Bool {
        guard !isGone(pid), let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
        else { return false }
        return command.contains("stack")
    }
}

/// Runs `path` to completion with its output in files (not pipes), SIGKILLing it after `timeout` seconds:
/// unlike `runTool`, a command that hangs (a `stack down` waiting for an instance that never stops)
/// fails the test instead of blocking it forever.
func runBounded(_ path: String, _ arguments: [String], timeout: Double) throws -> ToolResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("stack-run-\(UUID().uuidString)")
    let outPath = scratch.path + ".out"
    let errPath = scratch.path + ".err"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    defer {
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(5_000) }
    let timedOut = process.isRunning
    if timedOut { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    if timedOut {
        throw TestFailure("\(path) \(arguments.joined(separator: " ")) hung for \(timeout) s: \(stdout)\(stderr)")
    }
    return ToolResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
}

/// Whether process `pid` no longer runs: no such process, or a zombie nobody reaped yet.
func isGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    // The state follows the parenthesised command name, which may itself contain spaces or parentheses.
    guard let close = stat.lastIndex(of: ")") else { return true }
    let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
    return state == "Z" || state == "X"
}

/// Polls until `condition` holds; throws after `timeout` seconds.
func poll(_ what: String, timeout: Double = 10, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !condition() {
        if Date() > deadline { throw TestFailure("timed out after \(timeout) s waiting for \(what)") }
        usleep(10_000)
    }
}

/// One row of `stack ps --json`.
struct Instance: Decodable, Sendable, CustomStringConvertible {
    var name: String
    var service: String
    var state: String
    var health: String?
    var pid: Int32?
    var address: String
    var port: Int
    var restarts: Int
    var exitCode: Int?
    var startedAt: String?

    enum CodingKeys: String, CodingKey {
        case name, service, state, health, pid, address, port, restarts
        case exitCode = "exit_code"
        case startedAt = "started_at"
    }

    var description: String {
        "\(name):\(state)/\(health ?? "-")/pid \(pid.map(String.init) ?? "-")/restarts \(restarts)/exit "
            + "\(exitCode.map(String.init) ?? "-")"
    }
}

/// One line of `GET /v1/events`.
struct Event: Decodable, Sendable, CustomStringConvertible {
    var time: String
    var type: String
    var instance: String
    var service: String
    var pid: Int32?
    var exitCode: Int?
    var signal: String?
    var delayMS: Int?
    var restarts: Int?
    var replicas: Int?
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case time, type, instance, service, pid, signal, restarts, replicas, reason
        case exitCode = "exit_code"
        case delayMS = "delay_ms"
    }

    static func decodeLines(_ text: String) throws -> [Event] {
        try text.split(separator: "\n").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    /// The wall-clock time of the event (`2026-11-25T16:40:00.123Z`).
    var date: Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: time) ?? .distantPast
    }

    var description: String { "\(time) \(instance) \(type)" }
}

extension [Event] {
    /// The events of `instance` of `type`, oldest first.
    func of(_ instance: String, _ type: String) -> [Event] {
        filter { $0.instance == instance && $0.type == type }
    }
}
