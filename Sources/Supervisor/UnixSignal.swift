/// A POSIX signal number, with names for the ones the supervisor sends or reports.
///
/// The numbers are Linux's. A struct rather than an enum so any signal a child dies of can be carried.
public struct UnixSignal: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The signal number, as `kill(2)` takes it and `WTERMSIG` reports it.
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let hangup = UnixSignal(rawValue: 1)
    public static let interrupt = UnixSignal(rawValue: 2)
    public static let quit = UnixSignal(rawValue: 3)
    public static let abort = UnixSignal(rawValue: 6)
    public static let kill = UnixSignal(rawValue: 9)
    public static let user1 = UnixSignal(rawValue: 10)
    public static let segmentationFault = UnixSignal(rawValue: 11)
    public static let user2 = UnixSignal(rawValue: 12)
    public static let terminate = UnixSignal(rawValue: 15)

    /// The conventional name (`SIGKILL`), or the number for signals without a name here.
    public var description: String {
        switch rawValue {
        case 1: "SIGHUP"
        case 2: "SIGINT"
        case 3: "SIGQUIT"
        case 6: "SIGABRT"
        case 9: "SIGKILL"
        case 10: "SIGUSR1"
        case 11: "SIGSEGV"
        case 12: "SIGUSR2"
        case 15: "SIGTERM"
        default: "signal \(rawValue)"
        }
    }
}
