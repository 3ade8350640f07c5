import Foundation
import Synchronization

/// Set by the SIGINT/SIGTERM handler; read by `InterruptWatcher`.
let interruptRequested = Atomic<Bool>(false)

/// Waits for Ctrl-C (SIGINT) or SIGTERM in a foreground `stack up` or `stack logs -f`.
struct InterruptWatcher {
    init() {
        // A C handler can only touch globals: it sets the flag, the async side polls it.
        signal(SIGINT) { _ in interruptRequested.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in interruptRequested.store(true, ordering: .relaxed) }
    }

    func wait() async {
        while !interruptRequested.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Prints `name | line` log lines with a stable colour per instance name (no colour when stdout is
/// not a terminal). Thread-safe: one lock around stdout.
final class LogPrinter: Sendable {
    private let state = Mutex<(partial: String, colours: [String: Int])>(("", [:]))
    private static let palette = [36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96]

    /// Writes a chunk of the log stream (it may end mid-line).
    func write(_ chunk: String) {
        state.withLock { state in
            let text = state.partial + chunk
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            state.partial = String(lines.removeLast())
            var output = ""
            for line in lines {
                guard stdoutIsTerminal, let bar = line.range(of: " | ") else {
                    output += line + "\n"
                    continue
                }
                let name = String(line[..<bar.lowerBound])
                let colour =
                    state.colours[name]
                    ?? {
                        let colour = LogPrinter.palette[state.colours.count % LogPrinter.palette.count]
                        state.colours[name] = colour
                        return colour
                    }()
                output += "\u{1B}[\(colour)m\(name) |\u{1B}[0m\(line[bar.upperBound...])\n"
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        }
    }
}
