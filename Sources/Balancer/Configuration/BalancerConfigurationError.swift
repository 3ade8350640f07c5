/// Why the balancer's configuration was refused: every problem found, each naming where it is.
///
/// Decoding does not stop at the first problem; `path` and `reason` are the first one's, for callers
/// that show one line.
public struct BalancerConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One thing wrong: `balancer.json: health_check.rise: expected an integer from 1 to 100, got "x"`.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// Where the value came from: the configuration file's name, an environment variable
        /// (`STACK_PORT`) or a flag (`--upstream`).
        public var source: String
        /// The field's dotted path in the file (`health_check.rise`, `upstreams.static[1].weight`);
        /// empty for environment variables and flags.
        public var path: String
        /// What is wrong, usually "expected <what>, got <value>".
        public var reason: String

        /// A problem with `path` in `source`.
        public init(source: String, path: String = "", reason: String) {
            self.source = source
            self.path = path
            self.reason = reason
        }

        /// `source: path: reason`, leaving out an empty path.
        public var description: String { ([source] + (path.isEmpty ? [] : [path]) + [reason]).joined(separator: ": ") }
    }

    /// Every problem, in the order found (file fields in document order, then environment, then flags).
    /// Never empty.
    public var problems: [Problem]

    /// An error made of `problems` (at least one).
    public init(_ problems: [Problem]) {
        precondition(!problems.isEmpty, "a configuration error has at least one problem")
        self.problems = problems
    }

    /// An error with a single problem.
    public init(source: String, path: String = "", reason: String) {
        self.init([Problem(source: source, path: path, reason: reason)])
    }

    /// Where the first problem came from.
    public var source: String { problems[0].source }
    /// The first problem's field path.
    public var path: String { problems[0].path }
    /// The first problem's reason.
    public var reason: String { problems[0].reason }

    /// Each problem on its own line.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
