import Core
import Foundation
import JSON
import Manifest
import Reactor
import Supervisor

/// `stack up`: prepares the project, starts the supervisor if needed, starts the services in
/// dependency order and shows progress per instance; in the foreground it then follows the logs and
/// Ctrl-C brings the stack down.
struct UpCommand: Command {
    static let name = "up"
    static let abstract = "Create and start the stack's services."
    static let help = """
        OVERVIEW: Create and start the stack's services.

        Starts the supervisor if it is not running, then every service in dependency order (or only the
        SERVICEs named and what they depend on). Against a running stack, applies only what changed.

        USAGE: stack up [-d] [--wait] [--timeout <seconds>] [SERVICE...]

        ARGUMENTS:
          <SERVICE>               Services to start (default: all)

        OPTIONS:
          -d, --detach            Return once the services are started (default: follow the logs;
                                  Ctrl-C brings the stack down)
          --wait                  With -d, return once the services are healthy
          --timeout <seconds>     How long to wait for started/healthy (default: 120)
        \(GlobalOptions.helpText)
          -h, --help              Show help information.

        """

    var global: GlobalOptions
    var detach = false
    var wait = false
    var timeout: Double = 120
    var services: [String] = []

    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws {
        self.global = global
        while let argument = arguments.next() {
            let (option, inline) = ArgumentReader.split(argument)
            if try arguments.parseGlobal(option, inline: inline, into: &self.global) { continue }
            switch option {
            case "-d", "--detach": detach = true
            case "--wait": wait = true
            case "--timeout":
                guard let value = Double(try arguments.value(for: option, inline: inline)), value > 0 else {
                    throw UsageError("--timeout takes a positive number of seconds")
                }
                timeout = value
            default:
                if option.hasPrefix("-") { throw UsageError("unknown option '\(option)'") }
                services.append(option)
            }
        }
    }

    func run() async throws -> Int32 {
        let configuration = global.configuration
        for line in try StackBootstrap.prepare(configuration) { print(line) }
        let control = try ControlClient(configuration: configuration)
        defer { control.shutdown() }
        if await control.isRunning() {
            _ = try await control.post(
                "/v1/up",
                .object(
                    JSONObject([
                        ("files", .array(configuration.files.map { .string($0) })),
                        ("profiles", .array(configuration.profiles.sorted().map { .string($0) })),
                        ("services", .array(services.map { .string($0) })),
                    ])))
        } else {
            try await startSupervisor(configuration, control)
        }
        let progress = Progress()
        let ready = try await progress.waitUntil(
            control, healthy: wait || !detach ? wait : false, services: services, timeout: timeout)
        if let url = try? await dashboardURL(control) { print("Dashboard: \(url)") }
        if detach { return ready ? ExitCode.success : ExitCode.failure }
        return try await follow(control)
    }

    /// Starts `stack supervise` as a daemon (its own session, logs in .stack/logs/supervisor.log) and
    /// waits until its control socket answers.
    private func startSupervisor(_ configuration: SupervisorConfiguration, _ control: ControlClient) async throws {
        let logPath = configuration.logDirectory + "/supervisor.log"
        let fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { if fd >= 0 { close(fd) } }
        var arguments = ["--project-directory", configuration.rootDirectory]
        for file in configuration.files { arguments += ["-f", file] }
        for profile in configuration.profiles.sorted() { arguments += ["--profile", profile] }
        // The daemon is `stackd`, beside `stack`: it links no Foundation, so it stays small.
        guard let executable = ProcessSpawner.findExecutable("stackd", besides: global.executableDirectory, path: nil)
        else {
            throw CommandFailure(
                "unable to start the supervisor: stackd not found beside stack; build it with: swift build -c release")
        }
        let pid = try ProcessSpawner.spawn(
            executable: executable, arguments: arguments, environment: configuration.environment, stdout: fd,
            stderr: fd, workingDirectory: configuration.rootDirectory, detached: true)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if await control.isRunning() { return }
            if !ProcessSpawner.isAlive(pid) || isZombie(pid) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let log =
            (try? String(contentsOfFile: logPath, encoding: .utf8))?.split(separator: "\n").suffix(5)
            .joined(separator: "\n") ?? ""
        throw CommandFailure("unable to start the supervisor (see \(logPath)):\n\(log)")
    }

    private func isZombie(_ pid: Int32) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }

    private func dashboardURL(_ control: ControlClient) async throws -> String? {
        let instances = try await control.get("/v1/ps").arrayValue ?? []
        guard
            let monitor = instances.first(where: { $0.objectValue?["service"]?.stringValue == "monitor" })?.objectValue,
            let address = monitor["address"]?.stringValue, let port = monitor["port"]?.intValue
        else { return nil }
        return "http://\(address):\(port)/"
    }

    /// Follows every instance's log until Ctrl-C, then brings the stack down.
    private func follow(_ control: ControlClient) async throws -> Int32 {
        let interrupted = InterruptWatcher()
        let printer = LogPrinter()
        let task = Task { try await control.stream("/v1/logs?follow=1&tail=0") { printer.write($0) } }
        await interrupted.wait()
        task.cancel()
        print("\nGracefully stopping... (press Ctrl+C again to force)")
        let down = try await control.post("/v1/down", .object(JSONObject()))
        for name in down.objectValue?["stopped"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            print(" Container \(name)  Stopped")
        }
        return ExitCode.success
    }
}
