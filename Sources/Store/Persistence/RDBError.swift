/// A snapshot that cannot be loaded: what was wrong and where.
///
/// Renders as Redis words it, "unable to load the RDB file: <reason> at offset N". Thrown by
/// `RDBDecoder` for every malformed, truncated or unsupported input; it never traps on bad bytes.
public struct RDBError: Error, Equatable, CustomStringConvertible {
    /// The kind of problem, for callers that branch on it.
    public enum Code: Sendable, Equatable {
        /// The input ended in the middle of something.
        case truncated
        /// Not an RDB file, or a version this decoder does not read.
        case badHeader
        /// The checksum at the end does not match the content.
        case badChecksum
        /// A length, encoding or structure that cannot be right.
        case malformed
        /// Well-formed but not loadable here: streams, modules, old function payloads.
        case unsupported
    }

    /// The kind of problem.
    public var code: Code
    /// What was wrong.
    public var reason: String
    /// The byte offset in the file where the problem was found.
    public var offset: Int

    /// An error of `code` for `reason` at `offset`.
    public init(_ code: Code, _ reason: String, at offset: Int) {
        self.code = code
        self.reason = reason
        self.offset = offset
    }

    /// "unable to load the RDB file: <reason> at offset N".
    public var description: String { "unable to load the RDB file: \(reason) at offset \(offset)" }
}
