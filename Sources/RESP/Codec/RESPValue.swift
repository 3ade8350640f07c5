/// Any RESP2 or RESP3 value, as a client receives it and as a server may build a complex reply.
///
/// Binary payloads (bulk strings, blob errors, verbatim text) are `[UInt8]`: the smallest owned
/// representation (one pointer), which a store can keep as is without a second copy. Line types that are
/// text by definition (simple strings, errors, big numbers) are `String`.
///
/// Nulls: RESP2 has two (`$-1` and `*-1`), RESP3 one (`_`). `.null` is the null bulk string and RESP3's
/// null; `.nullArray` keeps RESP2's null array apart so a RESP2 reply round-trips byte for byte. In RESP3
/// both encode as `_`.
///
/// Attributes (`|`) are attached to the value they precede: `.attribute(pairs, value)`. A reply with an
/// attribute is still one reply, and an attributed element still counts once in its aggregate, which is
/// what the RESP3 specification requires and what makes pipelined replies line up with their commands.
public enum RESPValue: Sendable, Hashable {
    /// `+OK`: a short, CR/LF-free status line.
    case simpleString(String)
    /// `-ERR message`: an error line; by convention the first word is the error code.
    case error(String)
    /// `:42`: a signed 64-bit integer.
    case integer(Int)
    /// `$5\r\nhello`: binary-safe bytes.
    case bulkString([UInt8])
    /// `*2\r\n...`: an ordered list of values.
    case array([RESPValue])
    /// `$-1` (RESP2 null bulk string) or `_` (RESP3 null).
    case null
    /// `*-1`: RESP2's null array (`_` in RESP3).
    case nullArray
    /// `,3.14`: a double, including `inf`, `-inf` and `nan`.
    case double(Double)
    /// `#t` / `#f`.
    case boolean(Bool)
    /// `!21\r\nSYNTAX invalid syntax`: a binary-safe error.
    case blobError([UInt8])
    /// `=15\r\ntxt:Some string`: text with a three-byte format (`txt`, `mkd`).
    case verbatimString(format: String, text: [UInt8])
    /// `(3492890328409238509324850943850943825024385`: an integer of any size, as its decimal digits.
    case bigNumber(String)
    /// `%2\r\n...`: key-value pairs in wire order (keys may repeat; RESP does not forbid it).
    case map([Pair])
    /// `~3\r\n...`: an unordered collection, kept in wire order.
    case set([RESPValue])
    /// `|1\r\n...` followed by a value: out-of-band metadata and the value it describes.
    indirect case attribute([Pair], RESPValue)
    /// `>3\r\n...`: an out-of-band message (pub/sub, client tracking invalidation).
    case push([RESPValue])

    /// One entry of a map or attribute.
    public struct Pair: Sendable, Hashable {
        /// The entry's key.
        public var key: RESPValue
        /// The entry's value.
        public var value: RESPValue

        /// An entry mapping `key` to `value`.
        public init(_ key: RESPValue, _ value: RESPValue) {
            self.key = key
            self.value = value
        }
    }
}

extension RESPValue {
    /// A bulk string holding the UTF-8 of `string`.
    public static func bulkString(_ string: String) -> RESPValue { .bulkString(Array(string.utf8)) }

    /// The value with any attributes removed.
    public var withoutAttributes: RESPValue {
        if case .attribute(_, let value) = self { return value.withoutAttributes }
        return self
    }
}
