/// Why the supervisor could not do something: "unable to <verb> <object>: <reason>".
public struct SupervisorError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        /// Services depend on each other in a circle, so none of them can start first.
        case dependencyCycle
        /// A service depends on a service the stack does not have.
        case unknownDependency
    }

    public var code: Code
    public var message: String
    /// The error underneath, if any.
    public var underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        guard let underlying else { return message }
        return "\(message): \(underlying)"
    }
}
