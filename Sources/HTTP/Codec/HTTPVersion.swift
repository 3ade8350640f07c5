/// An HTTP protocol version as it appears on the start line (`HTTP/1.1`).
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// The major version: always 1 for messages this codec accepts.
    public var major: UInt8
    /// The minor version: 0 or 1 in practice; higher 1.x minors follow the 1.1 rules.
    public var minor: UInt8

    /// A version from its two digits.
    @inlinable
    public init(major: UInt8, minor: UInt8) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.0: connections close after each message unless `Connection: keep-alive` says otherwise.
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1: connections persist unless `Connection: close` says otherwise.
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// Whether the message follows the HTTP/1.1 (or later 1.x) rules: persistent by default, chunked allowed.
    @inlinable
    public var isAtLeastHTTP11: Bool { major > 1 || (major == 1 && minor >= 1) }

    /// The start-line spelling, `HTTP/1.1`.
    public var description: String { "HTTP/\(major).\(minor)" }
}
