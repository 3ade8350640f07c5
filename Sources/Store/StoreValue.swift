/// What a key holds: the value types of Redis, each with the encoding we use for it.
public enum StoreValue: Sendable {
    /// A string, as raw bytes.
    case string([UInt8])
    /// A string of at most `StoreKey.inlineCapacity` (23) bytes that is not an integer, kept inline in
    /// the value itself (`StoreKey`'s inline storage): no allocation per value, as Redis's embedded strings.
    /// `makeString` chooses it; nothing else creates it.
    case inlineString(StoreKey)
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
    indirect case stream(StoreStream)

    /// The type name TYPE and SCAN ... TYPE use.
    public var typeName: String {
        switch self {
        case .string, .inlineString, .integer: "string"
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
        case .inlineString(let bytes): bytes.bytes
        case .integer(let value): Array(String(value).utf8)
        case .hash, .list, .set, .sortedSet, .stream: nil
        }
    }

    /// Whether the value is a string (raw or integer-encoded): what the string commands accept.
    public var isString: Bool {
        switch self {
        case .string, .inlineString, .integer: true
        case .hash, .list, .set, .sortedSet, .stream: false
        }
    }

    /// A string value holding `bytes`: integer-encoded when they are an integer's canonical form, inline
    /// when short.
    public static func makeString(_ bytes: [UInt8]) -> StoreValue {
        bytes.withUnsafeBytes { makeString($0) ?? .string(bytes) }
    }

    /// A string value holding `bytes` when it needs no array (an integer or a short string), else nil.
    @inlinable
    public static func makeString(_ bytes: UnsafeRawBufferPointer) -> StoreValue? {
        if bytes.count <= 20, let value = StoreArguments.parseInteger(bytes) { return .integer(value) }
        if bytes.count <= StoreKey.inlineCapacity { return .inlineString(StoreKey(bytes)) }
        return nil
    }

    /// The length of a string value in bytes, nil for other types (STRLEN).
    public var stringLength: Int? {
        switch self {
        case .string(let bytes): bytes.count
        case .inlineString(let bytes): bytes.count
        case .integer(let value): String(value).utf8.count
        case .hash, .list, .set, .sortedSet, .stream: nil
        }
    }
}
