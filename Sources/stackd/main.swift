import Core
import Reactor
import Supervisor

#if canImport(Glibc)
    import Glibc
#endif

// `stackd`: the supervisor daemon. `stack up` starts it in a session of its own; `stack supervise`
// runs it in the foreground. It links no Foundation, so a supervisor of 100 instances stays small.
//
//     stackd [-f FILE]... [--profile NAME]... [--project-directory DIR]

// Before any thread starts: the supervisor takes these signals through a signalfd, and a thread
// created earlier would not have them blocked.
SignalWatcher.block(StackSupervisor.handledSignals)

let usage = """
    OVERVIEW: The stack supervisor daemon (started by `stack up`; see `stack help`).

    USAGE: stackd [-f <file>]... [--profile <name>]... [--project-directory <dir>]

    """

func fail(_ message: String) -> Never {
    Logger.standardError("stackd: \(message)\n\n\(usage)")
    exit(64)
}

func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(cString: buffer)
}

func processEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
        let text = String(cString: entry)
        if let equals = text.firstIndex(of: "=") {
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        pointer += 1
    }
    return result
}

var files: [String] = []
var profiles: Set<String> = []
var directory = currentDirectory()
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else { fail("missing value for \(argument)") }
        return arguments.removeFirst()
    }
    switch argument {
    case "-h", "--help":
        print(usage, terminator: "")
        exit(0)
    case "-f", "--file": files.append(value())
    case "--profile": profiles.insert(value())
    case "--project-directory": directory = value()
    default: fail("unknown argument '\(argument)'")
    }
}

let configuration = SupervisorConfiguration(
    rootDirectory: directory, files: files.isEmpty ? ["stack.json"] : files, profiles: profiles,
    environment: processEnvironment(), executableDirectory: ProcessSpawner.executableDirectory)
let logger = Logger(program: "stackd", instance: "supervisor")

/// Runs the async supervisor from synchronous top-level code: the main thread keeps the signal mask
/// set above and waits on a pipe. The task is detached: top-level code is main-actor isolated, and a
/// plain `Task` would wait for the main thread this code blocks.
final class Outcome: @unchecked Sendable {
    // @unchecked Sendable: written once by the task before it writes to `pipe`, read after.
    var code: Int32 = 1
}
let outcome = Outcome()
var pipeFDs: [Int32] = [0, 0]
guard pipe(&pipeFDs) == 0 else { fail("unable to create a pipe") }
let writeFD = pipeFDs[1]
Task.detached {
    do {
        outcome.code = try await StackSupervisor.run(configuration, logger: logger)
    } catch {
        logger.error("unable to run the supervisor", ["error": error])
        outcome.code = 1
    }
    var byte: UInt8 = 0
    _ = write(writeFD, &byte, 1)
}
var byte: UInt8 = 0
while read(pipeFDs[0], &byte, 1) < 0 && errno == EINTR {}
exit(outcome.code)
