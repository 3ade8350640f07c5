/// When the supervisor restarts an instance whose process exited, as docker's `--restart` says.
public enum RestartPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Never restart.
    case no
    /// Always restart, whatever the exit status, until the stack is stopped.
    case always
    /// Restart after a non-zero exit or a signal; `maxRetries` caps the consecutive restarts
    /// (`nil`: no cap).
    case onFailure(maxRetries: Int?)
    /// Like `always`, except an instance stopped by the operator stays stopped across supervisor restarts.
    case unlessStopped

    /// Parses `no`, `always`, `on-failure`, `on-failure:N` (N >= 0) or `unless-stopped`; `nil` otherwise.
    public init?(_ text: String) {
        switch text {
        case "no": self = .no
        case "always": self = .always
        case "on-failure": self = .onFailure(maxRetries: nil)
        case "unless-stopped": self = .unlessStopped
        default:
            guard text.hasPrefix("on-failure:") else { return nil }
            let count = text.dropFirst("on-failure:".count)
            guard !count.isEmpty, count.allSatisfy({ $0.isASCII && $0.isNumber }), let retries = Int(count) else {
                return nil
            }
            self = .onFailure(maxRetries: retries)
        }
    }

    /// The manifest spelling, which `init?(_:)` parses back.
    public var description: String {
        switch self {
        case .no: return "no"
        case .always: return "always"
        case .onFailure(let maxRetries?): return "on-failure:\(maxRetries)"
        case .onFailure(nil): return "on-failure"
        case .unlessStopped: return "unless-stopped"
        }
    }
}
