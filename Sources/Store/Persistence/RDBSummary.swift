/// What a snapshot says about itself, besides its keys.
public struct RDBSummary: Sendable {
    /// The RDB version of the file (1...11).
    public var version: Int
    /// Every aux field, name to value (integer-encoded values as their decimal digits): `redis-ver`,
    /// `ctime`, and for replication `repl-id` and `repl-offset`.
    public var auxiliaryFields: [String: [UInt8]] = [:]
    /// How many keys were delivered (empty aggregates, which Redis skips, are not counted).
    public var keyCount = 0
    /// The code of each function library (RDB_OPCODE_FUNCTION2), in file order; not loaded anywhere yet.
    public var functionLibraries: [[UInt8]] = []
    /// The checksum stored in the file; nil for versions before 5, 0 when the writer disabled it.
    public var checksum: UInt64?
    /// How many bytes the snapshot took, up to and including the checksum (anything after is ignored).
    public var byteCount = 0

    /// A summary of a file of `version`.
    public init(version: Int) {
        self.version = version
    }
}
