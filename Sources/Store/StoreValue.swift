/// What a key holds: the value types of Redis, each with the encoding we use for it.
public enum StoreValue: Sendable {
    /// A string, as raw bytes.
    case string([UInt8])
    /// A string that is the canonical decimal form of an integer (Redis's `OBJ_ENCODING_INT`): INCR and
    /// friends work on it without parsing.
    case integer(Int)
    /// A hash: field to value.
    case hash([StoreKey: [UInt8]])
    /// A list, as a ring buffer of elements.
    case list(StoreList)
    /// A set of members.
    case set(StoreSet)
    /// A sorted set.
    case sortedSet(StoreSortedSet)
    /// A stream.
    case stream(StoreStream)

    /// The type name TYPE and SCAN ... TYPE use.
    public var typeName: String {
        switch self {
        case .string, .integer: "string"
        case .hash: "hash"
        case .list: "list"
        case .set: "set"
        case .sortedSet: "zset"
        case .stream: "stream"
        }
    }

    /// The bytes of a string value (an integer rendered in decimal), nil for other types.
    public var stringBytes: [UInt8]? {
        switch self {
        case .string(let bytes): bytes
        case .integer(let value): Array(String(value).utf8)
        case .hash, .list, .set, .sortedSet, .stream: nil
        }
    }

    /// Whether the value is a string (raw or integer-encoded): what the string commands accept.
    public var isString: Bool {
        switch self {
        case .string, .integer: true
        case .hash, .list, .set, .sortedSet, .stream: false
        }
    }

    /// A string value holding `bytes`, integer-encoded when they are an integer's canonical form.
    public static func makeString(_ bytes: [UInt8]) -> StoreValue {
        if bytes.count <= 20, let value = bytes.withUnsafeBytes({ StoreArguments.parseInteger($0) }) {
            return .integer(value)
        }
        return .string(bytes)
    }
}
