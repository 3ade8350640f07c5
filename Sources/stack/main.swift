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

func main() async -> Int32 {
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
        return ExitCode.usage
    }
    guard let name = subcommand else {
        print(overview, terminator: "")
        return ExitCode.success
    }
    if name == "-h" || name == "--help" {
        print(overview, terminator: "")
        return ExitCode.success
    }
    if name == "help" {
        guard let topic = reader.next() else {
            print(overview, terminator: "")
            return ExitCode.success
        }
        guard let text = helpText(topic) else {
            printError("Error: unknown subcommand '\(topic)'\n\n\(overview)")
            return ExitCode.usage
        }
        print(text, terminator: "")
        return ExitCode.success
    }
    guard lifecycleVerbs.contains(name) || commands[name] != nil else {
        printError("Error: unknown subcommand '\(name)'\n\n\(overview)")
        return ExitCode.usage
    }
    if reader.remaining.contains("-h") || reader.remaining.contains("--help") {
        print(helpText(name)!, terminator: "")
        return ExitCode.success
    }
    if name == "supervise" {
        // Before any thread starts: the supervisor takes these signals through a signalfd.
        SignalWatcher.block(StackSupervisor.handledSignals)
    }
    let command: any Command
    do {
        if lifecycleVerbs.contains(name) {
            command = try LifecycleCommand(verb: name, parsing: &reader, global: global)
        } else {
            command = try commands[name]!.init(parsing: &reader, global: global)
        }
    } catch {
        printError("Error: \(error)\n\n\(helpText(name)!)")
        return ExitCode.usage
    }
    do {
        return try await command.run()
    } catch {
        printError("stack: \(error)")
        return ExitCode.failure
    }
}

exit(await main())
