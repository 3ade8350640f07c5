#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The signal sent to an instance to ask it to stop, before `SIGKILL` after the grace period.
public struct StopSignal: Sendable, Hashable, CustomStringConvertible {
    /// The canonical name, `SIGTERM`.
    public var name: String
    /// The platform's signal number.
    public var number: Int32

    /// The signals a manifest may name, by canonical name.
    static let known: [(name: String, number: Int32)] = [
        ("SIGTERM", SIGTERM), ("SIGINT", SIGINT), ("SIGQUIT", SIGQUIT), ("SIGHUP", SIGHUP), ("SIGKILL", SIGKILL),
        ("SIGUSR1", SIGUSR1), ("SIGUSR2", SIGUSR2),
    ]

    /// `SIGTERM`, the default.
    public static let terminate = StopSignal(name: "SIGTERM", number: SIGTERM)

    private init(name: String, number: Int32) {
        self.name = name
        self.number = number
    }

    /// Parses a name with or without the `SIG` prefix, in any case (`SIGTERM`, `TERM`, `term`); `nil` for
    /// signals outside `known`.
    public init?(_ text: String) {
        let upper = text.uppercased()
        let name = upper.hasPrefix("SIG") ? upper : "SIG" + upper
        guard let match = Self.known.first(where: { $0.name == name }) else { return nil }
        self.init(name: match.name, number: match.number)
    }

    /// The canonical name.
    public var description: String { name }
}
