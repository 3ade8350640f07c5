import Core
import Foundation
import JSON
import Manifest
import Reactor
import Supervisor

/// Parses a subcommand that takes only the global options and names.
private func parseNames(
    _ arguments: inout ArgumentReader, _ global: inout GlobalOptions,
    extra: (String, String?, inout ArgumentReader) throws -> Bool = { _, _, _ in false }
) throws -> [String] {
    var names: [String] = []
    while let argument = arguments.next() {
        let (option, inline) = ArgumentReader.split(argument)
        if try arguments.parseGlobal(option, inline: inline, into: &global) { continue }
        if try extra(option, inline, &arguments) { continue }
        if option.hasPrefix("-") { throw UsageError("unknown option '\(option)'") }
        names.append(option)
    }
    return names
}

/// Parses a subcommand that takes only the boolean `flags` and no arguments; returns the flags given.
private func parseFlags(
    _ arguments: inout ArgumentReader, _ global: inout GlobalOptions, _ flags: Set<String> = [], command: String
) throws -> Set<String> {
    var given: Set<String> = []
    let names = try parseNames(&arguments, &global) { option, _, _ in
        guard flags.contains(option) else { return false }
        given.insert(option)
        return true
    }
    if !names.isEmpty { throw UsageError("\(command) takes no arguments") }
    return given
}

private func withControl<T>(_ global: GlobalOptions, _ body: (ControlClient) async throws -> T) async throws -> T {
    let control = try ControlClient(configuration: global.configuration)
    defer { control.shutdown() }
    return try await body(control)
}

// MARK: - down

struct DownCommand: Command {
    static let name = "down"
    static let abstract = "Stop the stack's services and the supervisor."
    static let help = """
        OVERVIEW: Stop the stack's services and the supervisor.

        Services stop in reverse dependency order: each gets its stop signal, then SIGKILL after its grace
        period (or --timeout). Data under .stack/data survives unless --volumes is given.

        USAGE: stack down [-t <seconds>] [--volumes]

        OPTIONS:
          -t, --timeout <seconds> Grace period before SIGKILL (default: each service's stop_grace_period)
          -v, --volumes           Also delete the instances' data directories (.stack/data)
        \(GlobalOptions.helpText)
          -h, --help              Show help information.

        """
    var global: GlobalOptions
    var volumes = false
    var timeout: Int?

    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        self.global = global
        var volumes = false
        var timeout: Int?
        let names = try parseNames(&arguments, &self.global) { option, inline, arguments in
            switch option {
            case "-v", "--volumes": volumes = true
            case "-t", "--timeout":
                guard let value = Int(try arguments.value(for: option, inline: inline)), value >= 0 else {
                    throw UsageError("--timeout takes a number of seconds")
                }
                timeout = value
            default: return false
            }
            return true
        }
        if !names.isEmpty { throw UsageError("down takes no arguments") }
        self.volumes = volumes
        self.timeout = timeout
    }

    func run() async throws -> Int32 {
        try await withControl(global) { control in
            guard await control.isRunning() else {
                print("The stack is not running.")
                return ExitCode.success
            }
            var body = JSONObject([("volumes", .bool(volumes))])
            if let timeout { body["timeout"] = .integer(timeout) }
            // Stopping can take up to the longest grace period: say what is happening first.
            let running = (try? await control.get("/v1/ps").arrayValue?.count) ?? nil
            print(" Stopping \(running.map { "\($0) instances" } ?? "the stack") in reverse dependency order...")
            let answer = try await control.post("/v1/down", .object(body))
            for name in answer.objectValue?["stopped"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                print(" Container \(name)  Stopped")
            }
            if volumes { print(" Removed .stack/data") }
            return ExitCode.success
        }
    }
}

// MARK: - ps

struct PsCommand: Command {
    static let name = "ps"
    static let abstract = "List the instances with state, health, address and restarts."
    static let help = """
        OVERVIEW: List the instances with state, health, address and restarts.

        USAGE: stack ps [--json]

        OPTIONS:
          --json                  Print one JSON array (name, service, state, health, pid, address, port,
                                  restarts, exit_code, started_at)
        \(GlobalOptions.helpText)
          -h, --help              Show help information.

        """
    var global: GlobalOptions
    var json = false

    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        self.global = global
        json = try parseFlags(&arguments, &self.global, ["--json"], command: "ps").contains("--json")
    }

    func run() async throws -> Int32 {
        try await withControl(global) { control in
            let instances = try await control.get("/v1/ps")
            if json {
                print(instances.compact)
                return ExitCode.success
            }
            var rows = [["NAME", "SERVICE", "STATE", "HEALTH", "PID", "ADDRESS", "RESTARTS", "EXIT"]]
            for value in instances.arrayValue ?? [] {
                guard let instance = value.objectValue else { continue }
                func text(_ key: String) -> String {
                    switch instance[key] {
                    case .string(let s)?: return s
                    case .integer(let n)?: return String(n)
                    default: return "-"
                    }
                }
                rows.append([
                    text("name"), text("service"), text("state"), text("health"), text("pid"),
                    "\(text("address")):\(text("port"))", text("restarts"), text("exit_code"),
                ])
            }
            printTable(rows)
            return ExitCode.success
        }
    }
}

/// Prints rows as left-aligned columns.
func printTable(_ rows: [[String]]) {
    guard let first = rows.first else { return }
    var widths = [Int](repeating: 0, count: first.count)
    for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
    for row in rows {
        let line = row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
        }
        print(line.joined())
    }
}

// MARK: - logs

struct LogsCommand: Command {
    static let name = "logs"
    static let abstract = "Show the instances' output."
    static let help = """
        OVERVIEW: Show the instances' output.

        USAGE: stack logs [-f] [--tail <n>] [NAME...]

        ARGUMENTS:
          <NAME>                  Instances (api-1) or services (api) (default: all)

        OPTIONS:
          -f, --follow            Keep printing new lines until Ctrl-C
          -n, --tail <n>          Lines per instance to show first (default: 200)
        \(GlobalOptions.helpText)
          -h, --help              Show help information.

        """
    var global: GlobalOptions
    var follow = false
    var tail = 200
    var names: [String] = []

    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        self.global = global
        var follow = false
        var tail = 200
        names = try parseNames(&arguments, &self.global) { option, inline, arguments in
            switch option {
            case "-f", "--follow": follow = true
            case "-n", "--tail":
                guard let value = Int(try arguments.value(for: option, inline: inline)), value >= 0 else {
                    throw UsageError("--tail takes a number of lines")
                }
                tail = value
            default: return false
            }
            return true
        }
        self.follow = follow
        self.tail = tail
    }

    func run() async throws -> Int32 {
        try await withControl(global) { control in
            var path = "/v1/logs?tail=\(tail)"
            if !names.isEmpty { path += "&names=" + names.joined(separator: ",") }
            let printer = LogPrinter()
            if follow {
                let interrupted = InterruptWatcher()
                let task = Task { try await control.stream(path + "&follow=1") { printer.write($0) } }
                await interrupted.wait()
                task.cancel()
            } else {
                try await control.stream(path) { printer.write($0) }
            }
            return ExitCode.success
        }
    }
}

// MARK: - scale

struct ScaleCommand: Command {
    static let name = "scale"
    static let abstract = "Set the number of instances of services."
    static let help = """
        OVERVIEW: Set the number of instances of services.

        New instances get the next addresses and start at once; scaling down stops the highest-numbered
        instances gracefully. Traffic keeps flowing: balancers and monitors follow the discovery file.

        USAGE: stack scale SERVICE=N...

        ARGUMENTS:
          <SERVICE=N>             A service and its new number of instances, e.g. api=4

        OPTIONS:
        \(GlobalOptions.helpText)
          -h, --help              Show help information.

        """
    var global: GlobalOptions
    var counts: [(String, Int)] = []

    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        self.global = global
        for pair in try parseNames(&arguments, &self.global) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let count = Int(parts[1]), count >= 0 else {
                throw UsageError("expected SERVICE=N with N >= 0, got '\(pair)'")
            }
            counts.append((String(parts[0]), count))
        }
        if counts.isEmpty { throw UsageError("scale needs at least one SERVICE=N") }
    }

    func run() async throws -> Int32 {
        try await withControl(global) { control in
            let body = JSONObject([("replicas", .object(JSONObject(counts.map { ($0.0, .integer($0.1)) })))])
            let answer = try await control.post("/v1/scale", .object(body))
            for name in answer.objectValue?["started"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                print(" Container \(name)  Started")
            }
            for name in answer.objectValue?["stopped"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                print(" Container \(name)  Stopping")
            }
            return ExitCode.success
        }
    }
}

// MARK: - start, stop, restart, kill

/// `start`, `stop`, `restart` and `kill`: one request naming instances or services.
struct LifecycleCommand: Command {
    static let name = "start"
    static let abstract = ""
    static let help = ""
    let verb: String
    var global: GlobalOptions
    var names: [String] = []
    var signal = "SIGKILL"
    var timeout: Int?

    static func help(for verb: String) -> String {
        let (overview, extra): (String, String) =
            switch verb {
            case "start": ("Start stopped instances.", "")
            case "stop":
                (
                    "Stop instances (a manual stop: unless-stopped keeps them stopped).",
                    "  -t, --timeout <seconds> Grace period before SIGKILL (default: the service's stop_grace_period)\n"
                )
            case "restart": ("Stop instances, then start them again.", "")
            default:
                (
                    "Send a signal to instances' process groups (default SIGKILL): the crash demonstration.",
                    "  -s, --signal <signal>   Signal to send (default: SIGKILL)\n"
                )
            }
        let usage =
            verb == "kill"
            ? "stack kill [-s <signal>] NAME..."
            : verb == "stop" ? "stack stop [-t <seconds>] NAME..." : "stack \(verb) NAME..."
        return """
            OVERVIEW: \(overview)

            USAGE: \(usage)

            ARGUMENTS:
              <NAME>                  Instances (api-1) or services (api)

            OPTIONS:
            \(extra)\(GlobalOptions.helpText)
              -h, --help              Show help information.

            """
    }

    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        try self.init(verb: "start", parsing: &arguments, global: global)
    }

    init(verb: String, parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        self.verb = verb
        self.global = global
        var signal = "SIGKILL"
        var timeout: Int?
        names = try parseNames(&arguments, &self.global) { option, inline, arguments in
            if verb == "stop", option == "-t" || option == "--timeout" {
                guard let value = Int(try arguments.value(for: option, inline: inline)), value >= 0 else {
                    throw UsageError("--timeout takes a number of seconds")
                }
                timeout = value
                return true
            }
            guard verb == "kill", option == "-s" || option == "--signal" else { return false }
            signal = try arguments.value(for: option, inline: inline)
            guard Signal.number(signal) != nil else { throw UsageError("unknown signal '\(signal)'") }
            return true
        }
        if names.isEmpty { throw UsageError("\(verb) needs at least one instance or service name") }
        self.signal = signal
        self.timeout = timeout
    }

    func run() async throws -> Int32 {
        try await withControl(global) { control in
            var body = JSONObject([("names", .array(names.map { .string($0) }))])
            if verb == "kill" { body["signal"] = .string(signal) }
            if let timeout { body["timeout"] = .integer(timeout) }
            let answer = try await control.post("/v1/\(verb)", .object(body))
            let label = ["start": "Starting", "stop": "Stopping", "restart": "Restarting", "kill": "Killed"][verb]!
            for name in answer.objectValue?["names"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                print(" Container \(name)  \(label)")
            }
            return ExitCode.success
        }
    }
}

// MARK: - top, events, config

struct TopCommand: Command {
    static let name = "top"
    static let abstract = "Show CPU, memory, restarts and uptime per instance."
    static let help = """
        OVERVIEW: Show CPU, memory, restarts and uptime per instance.

        CPU % is averaged since the previous `stack top` (or since the instance started).

        USAGE: stack top

        OPTIONS:
        \(GlobalOptions.helpText)
          -h, --help              Show help information.

        """
    var global: GlobalOptions

    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        self.global = global
        _ = try parseFlags(&arguments, &self.global, command: "top")
    }

    func run() async throws -> Int32 {
        try await withControl(global) { control in
            var rows = [["NAME", "PID", "CPU %", "RSS", "RESTARTS", "UPTIME"]]
            for value in try await control.get("/v1/top").arrayValue ?? [] {
                guard let row = value.objectValue else { continue }
                let rss = row["rss_bytes"]?.intValue.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "-"
                let cpu: String
                switch row["cpu_percent"] {
                case .double(let value)?: cpu = String(format: "%.1f", value)
                case .integer(let value)?: cpu = String(value)
                default: cpu = "-"
                }
                rows.append([
                    row["name"]?.stringValue ?? "-", row["pid"]?.intValue.map(String.init) ?? "-", cpu, rss,
                    row["restarts"]?.intValue.map(String.init) ?? "0",
                    row["uptime_seconds"]?.intValue.map { "\($0)s" } ?? "-",
                ])
            }
            printTable(rows)
            return ExitCode.success
        }
    }
}

struct EventsCommand: Command {
    static let name = "events"
    static let abstract = "Show lifecycle events as they happen."
    static let help = """
        OVERVIEW: Show lifecycle events as they happen.

        Prints the recent events, then follows new ones until Ctrl-C: started, exited (with code or
        signal), restarting, healthy, unhealthy, scaled, stopped, removed.

        USAGE: stack events [--json]

        OPTIONS:
          --json                  One JSON object per line
        \(GlobalOptions.helpText)
          -h, --help              Show help information.

        """
    var global: GlobalOptions
    var json = false

    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        self.global = global
        json = try parseFlags(&arguments, &self.global, ["--json"], command: "events").contains("--json")
    }

    func run() async throws -> Int32 {
        try await withControl(global) { control in
            let json = self.json
            let formatter = EventFormatter()
            let write: @Sendable (String) -> Void = { chunk in
                FileHandle.standardOutput.write(Data((json ? chunk : formatter.format(chunk)).utf8))
            }
            try await control.stream("/v1/events", write)
            let interrupted = InterruptWatcher()
            let task = Task { try await control.stream("/v1/events?follow=1", write) }
            await interrupted.wait()
            task.cancel()
            return ExitCode.success
        }
    }
}

/// Renders NDJSON event lines as `time instance type key=value...`.
final class EventFormatter: Sendable {
    func format(_ chunk: String) -> String {
        var output = ""
        for line in chunk.split(separator: "\n") {
            guard let object = try? JSONValue.parse(Array(line.utf8)).objectValue else { continue }
            let time = object["time"]?.stringValue ?? ""
            let instance = object["instance"]?.stringValue ?? ""
            let type = object["type"]?.stringValue ?? ""
            let extra = object.members.filter { !["time", "instance", "type", "service"].contains($0.key) }
                .map { "\($0.key)=\($0.value.stringValue ?? $0.value.compact)" }.joined(separator: " ")
            output += "\(time) \(instance) \(type)\(extra.isEmpty ? "" : " " + extra)\n"
        }
        return output
    }
}

struct ConfigCommand: Command {
    static let name = "config"
    static let abstract = "Print the resolved manifest: every instance with address, port and environment."
    static let help = """
        OVERVIEW: Print the resolved manifest: every instance with address, port and environment.

        Validates the manifest (every problem is listed with its JSON path) and prints it with ${VAR}
        interpolated and secrets masked. Works without a running stack.

        USAGE: stack config

        OPTIONS:
        \(GlobalOptions.helpText)
          -h, --help              Show help information.

        """
    var global: GlobalOptions

    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        self.global = global
        _ = try parseFlags(&arguments, &self.global, command: "config")
    }

    func run() async throws -> Int32 {
        let configuration = global.configuration
        // The same loader as `stack up`, so both resolve the env file and paths alike.
        let spec = try StackBootstrap.load(configuration).selecting(profiles: configuration.profiles)
        var allocator = AddressAllocator(subnet: spec.subnet)
        let instances = try spec.resolveInstances(allocator: &allocator, rootDirectory: configuration.rootDirectory)
        print(spec.renderConfiguration(instances: instances))
        return ExitCode.success
    }
}

// MARK: - supervise

struct SuperviseCommand: Command {
    static let name = "supervise"
    static let abstract = "Run the supervisor in the foreground (what `stack up` starts in the background)."
    static let help = """
        OVERVIEW: Run the supervisor in the foreground (what `stack up` starts in the background).

        USAGE: stack supervise

        OPTIONS:
        \(GlobalOptions.helpText)
          -h, --help              Show help information.

        """
    var global: GlobalOptions

    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        self.global = global
        _ = try parseFlags(&arguments, &self.global, command: "supervise")
    }

    func run() async throws -> Int32 {
        // The daemon is its own executable (no Foundation); this runs it in the foreground.
        guard let executable = ProcessSpawner.findExecutable("stackd", besides: global.executableDirectory, path: nil)
        else { throw CommandFailure("stackd not found beside stack; build it with: swift build -c release") }
        var arguments = [executable, "--project-directory", global.projectDirectory]
        for file in global.files { arguments += ["-f", file] }
        for profile in global.profiles { arguments += ["--profile", profile] }
        let argv = arguments.map { strdup($0) } + [nil]
        execv(executable, argv)
        throw CommandFailure("unable to run \(executable): \(String(cString: strerror(errno)))")
    }
}
