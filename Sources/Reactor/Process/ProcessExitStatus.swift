import CShims

/// How a child process ended.
public enum ProcessExitStatus: Sendable, Hashable, CustomStringConvertible {
    /// It called exit with this code.
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32)

    /// Decodes a `waitpid` status word.
    public init(waitStatus status: Int32) {
        if cshim_wifsignaled(status) != 0 {
            self = .signaled(cshim_wtermsig(status))
        } else {
            self = .exited(cshim_wexitstatus(status))
        }
    }

    /// Whether it ended with exit code 0.
    public var isSuccess: Bool { self == .exited(0) }

    /// The exit code as a shell reports it: the code, or 128 + signal.
    public var code: Int32 {
        switch self {
        case .exited(let code): return code
        case .signaled(let signal): return 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): return "exited with code \(code)"
        case .signaled(let signal): return "killed by \(Signal.name(signal))"
        }
    }
}

/// Signal names and numbers, as `kill -l` spells them.
public enum Signal {
    static let table: [(String, Int32)] = [
        ("SIGHUP", 1), ("SIGINT", 2), ("SIGQUIT", 3), ("SIGILL", 4), ("SIGTRAP", 5), ("SIGABRT", 6), ("SIGBUS", 7),
        ("SIGFPE", 8), ("SIGKILL", 9), ("SIGUSR1", 10), ("SIGSEGV", 11), ("SIGUSR2", 12), ("SIGPIPE", 13),
        ("SIGALRM", 14), ("SIGTERM", 15), ("SIGCHLD", 17), ("SIGCONT", 18), ("SIGSTOP", 19), ("SIGTSTP", 20),
        ("SIGTTIN", 21), ("SIGTTOU", 22), ("SIGWINCH", 28),
    ]

    /// `SIGTERM` for 15; `signal N` for unknown numbers.
    public static func name(_ number: Int32) -> String {
        table.first { $0.1 == number }?.0 ?? "signal \(number)"
    }

    /// The number of `SIGTERM`, `TERM`, `sigterm` or `15`; nil if unknown.
    public static func number(_ name: String) -> Int32? {
        if let value = Int32(name), value > 0, value < 65 { return value }
        let upper = name.uppercased()
        let full = upper.hasPrefix("SIG") ? upper : "SIG" + upper
        return table.first { $0.0 == full }?.1
    }
}
