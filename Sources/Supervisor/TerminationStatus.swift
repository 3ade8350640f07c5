/// How a child process ended, as `waitpid(2)` reports it.
///
/// Not `ExitStatus`: Swift Testing has a type of that name, which every test file would then have to qualify.
public enum TerminationStatus: Hashable, Sendable, CustomStringConvertible {
    /// The process called `exit` with this code (`WEXITSTATUS`).
    case code(Int32)
    /// The process was killed by this signal (`WTERMSIG`).
    case signal(UnixSignal)

    /// The status a shell reports for a command that could not be executed; a failed spawn is treated as this.
    public static let spawnFailure = TerminationStatus.code(127)

    /// Whether the restart policy counts this as a failure: any non-zero code, and any death by signal.
    ///
    /// Docker reports a death by signal `n` as exit code `128 + n`, which is non-zero, so `on-failure`
    /// restarts it; we keep the signal itself and give it the same meaning.
    public var isFailure: Bool {
        switch self {
        case .code(let code): code != 0
        case .signal: true
        }
    }

    /// The number Docker would show as the exit code: the code itself, or `128 + signal`.
    public var dockerExitCode: Int32 {
        switch self {
        case .code(let code): code
        case .signal(let signal): 128 + signal.rawValue
        }
    }

    public var description: String {
        switch self {
        case .code(let code): "exit code \(code)"
        case .signal(let signal): "killed by \(signal)"
        }
    }
}
