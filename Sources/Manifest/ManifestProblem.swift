/// One thing wrong with a manifest, named by its JSON path: `services.api.replicas: expected ...`.
public struct ManifestProblem: Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is: dotted member names and `[i]` indices (`services.web.publish[0]`), or the
    /// file name for problems that concern a whole file.
    public var path: String
    /// What is wrong, usually "expected <what>, got <value>".
    public var message: String

    /// A problem at `path`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
