import Core
import Foundation
import Manifest
import Reactor
import Supervisor

// `stack`: the compose-like supervisor's CLI. One type per subcommand; exit 0 on success and for help,
// 64 for a usage error, 1 for any other failure.

let overview = """
    OVERVIEW: Run a stack of services on this machine, each instance on its own loopback address.

    USAGE: stack [-f <file>]... [--profile <name>]... <subcommand> [<arguments>]

    OPTIONS:
    \(GlobalOptions.helpText)
      -h, --help              Show help information.

    SUBCOMMANDS:
      up                      \(UpCommand.abstract)
      down                    \(DownCommand.abstract)
      ps                      \(PsCommand.abstract)
      logs                    \(LogsCommand.abstract)
      scale                   \(ScaleCommand.abstract)
      start                   Start stopped instances.
      stop                    Stop instances.
      restart                 Stop instances, then start them again.
      kill                    Send a signal to instances (default SIGKILL): the crash demonstration.
      top                     \(TopCommand.abstract)
      events                  \(EventsCommand.abstract)
      config                  \(ConfigCommand.abstract)

      See 'stack help <subcommand>' for detailed help.

    """

let commands: [String: any Command.Type] = [
    "up": UpCommand.self, "down": DownCommand.self, "ps": PsCommand.self, "logs": LogsCommand.self,
    "scale": ScaleCommand.self, "top": TopCommand.self, "events": EventsCommand.self, "config": ConfigCommand.self,
    "supervise": SuperviseCommand.self,
]
let lifecycleVerbs: Set<String> = ["start", "stop", "restart", "kill"]

func helpText(_ name: String) -> String? {
    if lifecycleVerbs.contains(name) { return LifecycleCommand.help(for: name) }
    return commands[name]?.help
}

/// What the command line asks for: an exit code right away (help, a usage error) or a command to run.
enum Invocation {
    case exit(Int32)
    case run(any Command, name: String)
}

/// Parses the command line; prints help and usage errors itself.
func parseCommandLine() -> Invocation {
    var reader = ArgumentReader(Array(CommandLine.arguments.dropFirst()))
    var global = GlobalOptions()
    var subcommand: String?
    do {
        // Global options may come before the subcommand.
        while let argument = reader.next() {
            let (option, inline) = ArgumentReader.split(argument)
            if try reader.parseGlobal(option, inline: inline, into: &global) { continue }
            subcommand = argument
            break
        }
    } catch {
        printError("Error: \(error)\n\n\(overview)")
        return .exit(ExitCode.usage)
    }
    guard let name = subcommand else {
        print(overview, terminator: "")
        return .exit(ExitCode.success)
    }
    if name == "-h" || name == "--help" {
        print(overview, terminator: "")
        return .exit(ExitCode.success)
    }
    if name == "help" {
        guard let topic = reader.next() else {
            print(overview, terminator: "")
            return .exit(ExitCode.success)
        }
        guard let text = helpText(topic) else {
            printError("Error: unknown subcommand '\(topic)'\n\n\(overview)")
            return .exit(ExitCode.usage)
        }
        print(text, terminator: "")
        return .exit(ExitCode.success)
    }
    guard lifecycleVerbs.contains(name) || commands[name] != nil else {
        printError("Error: unknown subcommand '\(name)'\n\n\(overview)")
        return .exit(ExitCode.usage)
    }
    if reader.remaining.contains("-h") || reader.remaining.contains("--help") {
        print(helpText(name)!, terminator: "")
        return .exit(ExitCode.success)
    }
    do {
        if lifecycleVerbs.contains(name) {
            return .run(try LifecycleCommand(verb: name, parsing: &reader, global: global), name: name)
        }
        return .run(try commands[name]!.init(parsing: &reader, global: global), name: name)
    } catch {
        printError("Error: \(error)\n\n\(helpText(name)!)")
        return .exit(ExitCode.usage)
    }
}

/// Runs `command` on the cooperative pool and blocks the calling (main) thread until it is done.
///
/// The top level stays synchronous on purpose. With an `await` at the top level, Swift ends the main
/// thread in `dispatch_main`, which parks it in `sigsuspend` with an empty mask: it then takes every
/// process-directed signal, whatever `SignalWatcher.block` said. The supervisor reads SIGCHLD and
/// SIGTERM through signalfds, so the main thread took them instead: SIGCHLD was dropped (exits were
/// reaped only by the watcher's 500 ms sweep, so every respawn took up to half a second) and SIGTERM
/// killed the supervisor without stopping its instances. Blocked in a semaphore, the main thread keeps
/// the mask it was given; libdispatch's pool threads block these signals themselves.
func runBlocking(_ command: any Command) -> Int32 {
    final class Outcome: @unchecked Sendable {
        // @unchecked Sendable: written once by the task before `done.signal()`, read after `done.wait()`.
        var code = ExitCode.failure
    }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do {
            outcome.code = try await command.run()
        } catch {
            printError("stack: \(error)")
            outcome.code = ExitCode.failure
        }
        done.signal()
    }
    done.wait()
    return outcome.code
}

switch parseCommandLine() {
case .exit(let code):
    exit(code)
case .run(let command, _):
    // Start from an empty mask, whatever the launcher's thread had blocked (a Swift program's pool
    // thread blocks nearly everything): the main thread is the one that takes Ctrl-C for `stack events`,
    // `stack logs -f` and a foreground `stack up`, as dispatch_main's empty mask used to.
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    pthread_sigmask(SIG_SETMASK, &unblocked, nil)
    exit(runBlocking(command))
}
