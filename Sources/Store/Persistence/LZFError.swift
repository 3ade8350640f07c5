/// Malformed LZF input.
public struct LZFError: Error, Equatable, CustomStringConvertible {
    /// What was wrong.
    public var reason: String

    /// An error for `reason`.
    public init(reason: String) { self.reason = reason }

    /// "unable to decompress LZF data: <reason>".
    public var description: String { "unable to decompress LZF data: \(reason)" }
}
