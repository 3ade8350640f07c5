/// Why a manifest could not be turned into a `StackSpec`: "unable to <verb> <object>: <reason>".
///
/// Validation does not stop at the first problem: `problems` lists every one found: unset variables
/// first, then field problems in document order, then checks across services.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed.
    public enum Code: Sendable, Equatable {
        /// A file could not be read or is not JSON (`problems` is empty, `message` says why).
        case unreadable
        /// The manifest was read but is not valid; `problems` lists why.
        case invalid
        /// The valid manifest could not be turned into instances (address exhaustion, bad overrides).
        case unresolvable
    }

    /// What failed.
    public var code: Code
    /// One line, "unable to <verb> <object>: <reason>".
    public var message: String
    /// Every problem found; empty for `unreadable`.
    public var problems: [ManifestProblem]

    /// An error with a message and the problems behind it.
    public init(_ code: Code, _ message: String, problems: [ManifestProblem] = []) {
        self.code = code
        self.message = message
        self.problems = problems
    }

    /// "unable to load stack.json: <reason>" for a file that cannot be read or parsed.
    public static func unreadable(_ file: String, _ reason: String) -> ManifestError {
        ManifestError(.unreadable, "unable to load \(file): \(reason)")
    }

    /// "unable to validate <what>: N problems" followed by the problems.
    static func invalid(_ what: String, _ problems: [ManifestProblem]) -> ManifestError {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return ManifestError(.invalid, "unable to validate \(what): \(count)", problems: problems)
    }

    /// "unable to resolve instances: N problems" followed by the problems.
    static func unresolvable(_ problems: [ManifestProblem]) -> ManifestError {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return ManifestError(.unresolvable, "unable to resolve instances: \(count)", problems: problems)
    }

    /// The message, then each problem on its own indented line.
    public var description: String {
        ([message] + problems.map { "  " + $0.description }).joined(separator: "\n")
    }
}
