import Core
import Foundation
import Supervisor

/// One `stack` subcommand: parsed from its arguments, validated, then run.
protocol Command: Sendable {
    /// `up`, `down`, ...
    static var name: String { get }
    /// One line for `stack help`.
    static var abstract: String { get }
    /// The full help text (OVERVIEW / USAGE / ARGUMENTS / OPTIONS).
    static var help: String { get }
    /// Parses the arguments after the subcommand name; throws `UsageError` for bad ones.
    init(parsing arguments: inout ArgumentReader, global: GlobalOptions) throws
    /// Runs; returns the exit code.
    func run() async throws -> Int32
}

/// Exit codes, as swift-argument-parser uses them.
enum ExitCode {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 64
}

/// A mistake in the command line: printed with the usage, exit 64.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A failure to report as `stack: <message>`, exit 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Options every subcommand takes: `-f FILE` (repeatable), `--profile NAME` (repeatable),
/// `--project-directory DIR`.
struct GlobalOptions {
    var files: [String] = []
    var profiles: [String] = []
    var projectDirectory = FileManager.default.currentDirectoryPath

    /// The supervisor configuration these options describe.
    var configuration: SupervisorConfiguration {
        SupervisorConfiguration(
            rootDirectory: projectDirectory, files: files.isEmpty ? ["stack.json"] : files, profiles: Set(profiles),
            environment: ProcessInfo.processInfo.environment, executableDirectory: executableDirectory)
    }

    /// The directory of the running `stack` executable: service programs are looked up there first.
    /// From /proc/self/exe, so that a `stack` found through PATH (argv[0] is then a bare name) still finds
    /// `stackd` and the services beside it.
    var executableDirectory: String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path).deletingLastPathComponent().path
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    static let helpText = """
          -f, --file <file>       Manifest file; repeat to layer overrides (default: stack.json)
          --profile <name>        Enable services of this profile; repeatable
          --project-directory <dir>
                                  Directory of the project (default: the current directory)
        """
}

/// Reads arguments one at a time, with `--name value` and `--name=value` forms.
struct ArgumentReader {
    private(set) var remaining: [String]

    init(_ arguments: [String]) { remaining = arguments }

    var isEmpty: Bool { remaining.isEmpty }

    mutating func next() -> String? { remaining.isEmpty ? nil : remaining.removeFirst() }

    /// The value of option `name` (given as `--name value` or `--name=value`).
    mutating func value(for option: String, inline: String?) throws -> String {
        if let inline { return inline }
        guard let value = next() else { throw UsageError("missing value for '\(option)'") }
        return value
    }

    /// Splits `--name=value` into its parts.
    static func split(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    /// Parses a global option if `argument` is one; returns whether it was.
    mutating func parseGlobal(_ argument: String, inline: String?, into global: inout GlobalOptions) throws -> Bool {
        switch argument {
        case "-f", "--file": global.files.append(try value(for: argument, inline: inline))
        case "--profile": global.profiles.append(try value(for: argument, inline: inline))
        case "--project-directory": global.projectDirectory = try value(for: argument, inline: inline)
        default: return false
        }
        return true
    }
}

/// Writes to stderr.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Whether stdout is a terminal (colour only then).
let stdoutIsTerminal = isatty(1) != 0
