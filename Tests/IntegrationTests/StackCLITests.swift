import Foundation
import Testing

/// The `stack` command line without a running stack: help, usage errors, manifest errors, missing
/// programs (octets 60-61 where a project is needed; nothing here starts a service).
@Suite struct StackCLITests {
    private func stack(_ arguments: [String]) throws -> ToolResult {
        try runTool(StackProject.stackPath, arguments)
    }

    @Test("stack help and stack up --help exit 0 with OVERVIEW and USAGE")
    func help() throws {
        for arguments in [["help"], [], ["--help"]] {
            let result = try stack(arguments)
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("OVERVIEW: Run a stack of services"))
            #expect(result.stdout.contains("USAGE: stack [-f <file>]... [--profile <name>]... <subcommand>"))
            #expect(result.stdout.contains("SUBCOMMANDS:\n  up "))
        }
        for arguments in [["up", "--help"], ["help", "up"], ["up", "-h"]] {
            let result = try stack(arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.stdout.hasPrefix("OVERVIEW: Create and start the stack's services."))
            #expect(result.stdout.contains("USAGE: stack up [-d] [--wait] [--timeout <seconds>] [SERVICE...]"))
        }
        for verb in ["down", "ps", "logs", "scale", "start", "stop", "restart", "kill", "top", "events", "config"] {
            let result = try stack(["help", verb])
            #expect(result.status == 0 && result.stdout.contains("USAGE: stack \(verb)"), "\(verb)")
        }
    }

    @Test("stack help scale prints exactly its help text")
    func goldenHelp() throws {
        let expected = """
            OVERVIEW: Set the number of instances of services.

            New instances get the next addresses and start at once; scaling down stops the highest-numbered
            instances gracefully. Traffic keeps flowing: balancers and monitors follow the discovery file.

            USAGE: stack scale SERVICE=N...

            ARGUMENTS:
              <SERVICE=N>             A service and its new number of instances, e.g. api=4

            OPTIONS:
              -f, --file <file>       Manifest file; repeat to layer overrides (default: stack.json)
              --profile <name>        Enable services of this profile; repeatable
              --project-directory <dir>
                                      Directory of the project (default: the current directory)
              -h, --help              Show help information.

            """
        let result = try stack(["help", "scale"])
        #expect(result.status == 0)
        #expect(result.stdout == expected)
        #expect(try stack(["scale", "--help"]).stdout == expected)
    }

    @Test("an unknown subcommand, an unknown option or a bad argument exits 64 with the usage")
    func usageErrors() throws {
        let unknown = try stack(["frobnicate"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.hasPrefix("Error: unknown subcommand 'frobnicate'"))
        #expect(unknown.stderr.contains("USAGE: stack"))
        let option = try stack(["ps", "--bogus"])
        #expect(option.status == 64)
        #expect(option.stderr.hasPrefix("Error: unknown option '--bogus'"))
        #expect(option.stderr.contains("USAGE: stack ps [--json]"))
        let scale = try stack(["scale", "api"])
        #expect(scale.status == 64)
        #expect(scale.stderr.contains("expected SERVICE=N"))
        let missingValue = try stack(["up", "--timeout"])
        #expect(missingValue.status == 64)
        #expect(missingValue.stderr.contains("missing value for '--timeout'"))
        let helpTopic = try stack(["help", "nothing"])
        #expect(helpTopic.status == 64)
        let names = try stack(["stop"])
        #expect(names.status == 64)
        #expect(names.stderr.contains("stop needs at least one instance or service name"))
    }

    @Test("without a running stack, ps fails with exit 1 and down succeeds")
    func notRunning() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stack-idle-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ps = try stack(["--project-directory", directory, "ps"])
        #expect(ps.status == 1)
        #expect(ps.stderr.hasPrefix("stack: unable to reach the supervisor"))
        let down = try stack(["--project-directory", directory, "down"])
        #expect(down.status == 0)
        #expect(down.stdout == "The stack is not running.\n")
    }

    /// `stack config` in a fresh directory holding `manifest` as stack.json.
    private func config(_ manifest: String) throws -> ToolResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stack-config-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try manifest.write(toFile: directory + "/stack.json", atomically: true, encoding: .utf8)
        return try stack(["--project-directory", directory, "config"])
    }

    /// One bad manifest per kind of problem, and the line `stack config` must print for it.
    static let badManifests: [(String, String, String)] = [
        (
            "unknown field", #""api": {"command": ["stackprobe"], "port": 7000, "replica": 2}"#,
            #"services.api.replica: unknown field (did you mean "replicas"?)"#
        ),
        (
            "wrong type", #""api": {"command": ["stackprobe"], "port": 7000, "replicas": "two"}"#,
            #"services.api.replicas: expected a non-negative integer, got "two""#
        ),
        (
            "unknown dependency", #""api": {"command": ["stackprobe"], "port": 7000, "depends_on": {"db": "started"}}"#,
            #"services.api.depends_on.db: unknown service "db""#
        ),
        (
            "cycle",
            #""a": {"command": ["stackprobe"], "port": 1, "depends_on": ["b"]}, "#
                + #""b": {"command": ["stackprobe"], "port": 1, "depends_on": ["a"]}"#,
            "services: dependency cycle a -> b -> a"
        ),
        (
            "duplicate publish",
            #""a": {"command": ["stackprobe"], "port": 1, "publish": ["127.0.0.1:8080"]}, "#
                + #""b": {"command": ["stackprobe"], "port": 1, "publish": ["127.0.0.1:8080"]}"#,
            "services.b.publish[0]: 127.0.0.1:8080 is already published by services.a.publish[0]"
        ),
        (
            "bad restart policy", #""api": {"command": ["stackprobe"], "port": 7000, "restart": "sometimes"}"#,
            #"services.api.restart: expected no, always, on-failure[:N] or unless-stopped, got "sometimes""#
        ),
    ]

    @Test("stack config rejects a bad manifest with exit 1 and names the JSON path", arguments: 0..<6)
    func badManifest(_ index: Int) throws {
        let (kind, services, line) = StackCLITests.badManifests[index]
        let result = try config(#"{"name": "bad", "services": {\#(services)}}"#)
        #expect(result.status == 1, "\(kind)")
        #expect(result.stderr.hasPrefix("stack: unable to validate "), "\(kind): \(result.stderr)")
        #expect(result.stderr.contains("1 problem\n  \(line)\n"), "\(kind): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("stack config rejects a subnet too small for the replicas")
    func subnetTooSmall() throws {
        let result = try config(
            #"{"name": "small", "network": {"subnet": "127.60.0.0/30"}, "#
                + #""services": {"api": {"command": ["stackprobe"], "port": 7000, "replicas": 5}}}"#)
        #expect(result.status == 1)
        #expect(result.stderr.contains("network.subnet: 127.60.0.0/30 has 1 usable address, the services need 5"))
    }

    @Test("stack config prints every instance of a good manifest with its address")
    func goodConfig() throws {
        let result = try config(
            #"{"name": "good", "network": {"subnet": "127.60.0.0/24"}, "#
                + #""services": {"api": {"command": ["stackprobe"], "port": 7000, "replicas": 2}}}"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("127.60.0.2") && result.stdout.contains("127.60.0.3"))
    }

    @Test("up with a command that does not exist exits 1 naming it and the build command")
    func missingExecutable() throws {
        let project = try StackProject(
            "missing", octet: 61, services: #""ghost": {"command": ["nonexistent-program"], "port": 7000}"#)
        defer { project.tearDown() }
        let up = try project.stack(["up", "-d"])
        #expect(up.status == 1)
        #expect(up.stderr.contains("executable 'nonexistent-program' not found"), "\(up.stderr)")
        #expect(up.stderr.contains("swift build"))
        #expect(!FileManager.default.fileExists(atPath: project.socketPath))
    }
}
