/// Replies so frequent that they are written as precomputed bytes: `buffer.writeRESP(.ok)`.
///
/// Each case is a static string in the binary, so writing one is a bounds check and a 4-5 byte copy: no
/// formatting, no allocation, no lazy global initialisation.
public enum RESPConstant: Sendable, Hashable, CaseIterable {
    /// `+OK\r\n`.
    case ok
    /// `+PONG\r\n`.
    case pong
    /// `+QUEUED\r\n`, the reply to a command inside MULTI.
    case queued
    /// `:0\r\n`.
    case zero
    /// `:1\r\n`.
    case one
    /// `$-1\r\n`, RESP2's null bulk string.
    case nullBulkString
    /// `*-1\r\n`, RESP2's null array.
    case nullArray
    /// `_\r\n`, RESP3's null.
    case null
    /// `*0\r\n`.
    case emptyArray

    /// The encoded bytes.
    @inlinable
    public var bytes: StaticString {
        switch self {
        case .ok: "+OK\r\n"
        case .pong: "+PONG\r\n"
        case .queued: "+QUEUED\r\n"
        case .zero: ":0\r\n"
        case .one: ":1\r\n"
        case .nullBulkString: "$-1\r\n"
        case .nullArray: "*-1\r\n"
        case .null: "_\r\n"
        case .emptyArray: "*0\r\n"
        }
    }
}
