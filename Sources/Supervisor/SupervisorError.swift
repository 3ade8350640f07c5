/// Why the supervisor could not do something: "unable to <verb> <object>: <reason>".
public struct SupervisorError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        /// Services depend on each other in a circle, so none of them can start first.
        case dependencyCycle
        /// A service depends on a service the stack does not have.
        case unknownDependency
        /// A service's program is not built or not on PATH.
        case missingExecutable
        /// A control request names an instance or service the stack does not have, or is malformed.
        case badRequest
        /// The supervisor could not set itself up (socket in use, state directory unwritable).
        case startFailed
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

    /// A service's program cannot be found: says where it looked and how to build it.
    public static func missingExecutable(
        service: String, program: String, searched directory: String?
    ) -> SupervisorError {
        let besides = directory.map { " beside stack (\($0))" } ?? ""
        return SupervisorError(
            .missingExecutable,
            "unable to start service \(service): executable '\(program)' not found\(besides) or on PATH; "
                + "build the services with: swift build -c release")
    }

    public var description: String {
        guard let underlying else { return message }
        return "\(message): \(underlying)"
    }
}
