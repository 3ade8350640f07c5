/// Size limits every RESP decoder enforces, so a hostile or broken peer cannot make us allocate or scan
/// without bound.
///
/// The defaults are Redis's: `proto-max-bulk-len` (512 MiB), `PROTO_INLINE_MAX_SIZE` (64 KiB) and the
/// historical multibulk cap of 1024 * 1024 arguments. A client that expects huge replies (`KEYS *` on a
/// big keyspace) raises `maxAggregateCount`.
public struct RESPLimits: Sendable, Hashable {
    /// Longest bulk string, blob error or verbatim string payload, in bytes.
    public var maxBulkLength: Int
    /// Most elements in one aggregate (map and attribute entries count once per pair); for commands, the
    /// most arguments.
    public var maxAggregateCount: Int
    /// Deepest nesting of aggregates (attributes included) in a reply; deeper input throws.
    public var maxDepth: Int
    /// Longest line (simple string, number, header, inline command) searched for its terminator before
    /// the input is rejected.
    public var maxLineLength: Int

    /// Limits with Redis's defaults.
    public init(
        maxBulkLength: Int = 512 * 1024 * 1024,
        maxAggregateCount: Int = 1024 * 1024,
        maxDepth: Int = 32,
        maxLineLength: Int = 64 * 1024
    ) {
        // Programmer errors: a limit past Int.max / 4 would let offset arithmetic overflow.
        precondition(maxBulkLength >= 0 && maxBulkLength <= Int.max / 4, "maxBulkLength out of range")
        precondition(maxAggregateCount >= 0 && maxAggregateCount <= Int.max / 4, "maxAggregateCount out of range")
        precondition(maxDepth >= 1, "maxDepth must allow at least one aggregate")
        precondition(maxLineLength >= 1 && maxLineLength <= Int.max / 4, "maxLineLength out of range")
        self.maxBulkLength = maxBulkLength
        self.maxAggregateCount = maxAggregateCount
        self.maxDepth = maxDepth
        self.maxLineLength = maxLineLength
    }

    /// Redis's defaults.
    public static let `default` = RESPLimits()
}
