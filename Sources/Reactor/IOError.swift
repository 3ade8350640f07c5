#if canImport(Glibc)
    import Glibc
#endif

/// The one error type of the Reactor module: a failed system call or socket operation.
///
/// `description` reads "unable to <verb> <object>: <reason>", e.g.
/// "unable to bind 127.20.0.5:8080: Address already in use (errno 98)".
public struct IOError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was attempted, as "<verb> <object>" ("connect to 127.0.0.1:6379").
    public var operation: String
    /// The errno value, or 0 when the failure is not a system call's (a timeout, a closed connection).
    public var errnoCode: Int32
    /// Why, when there is no errno ("timed out", "connection closed").
    public var reason: String?

    public init(_ operation: String, errno code: Int32) {
        self.operation = operation
        self.errnoCode = code
        self.reason = nil
    }

    public init(_ operation: String, reason: String) {
        self.operation = operation
        self.errnoCode = 0
        self.reason = reason
    }

    public var description: String {
        if let reason { return "unable to \(operation): \(reason)" }
        return "unable to \(operation): \(String(cString: strerror(errnoCode))) (errno \(errnoCode))"
    }

    /// Whether this is the timeout of a connect, read or request.
    public var isTimeout: Bool { errnoCode == ETIMEDOUT || reason == "timed out" }

    /// A timeout of `operation`.
    public static func timedOut(_ operation: String) -> IOError { IOError(operation, reason: "timed out") }
}
