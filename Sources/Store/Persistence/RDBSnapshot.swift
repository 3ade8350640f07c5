/// A whole snapshot in memory: its summary and every key.
public struct RDBSnapshot: Sendable {
    /// Version, aux fields, checksum.
    public var summary: RDBSummary
    /// The keys, in file order.
    public var entries: [RDBEntry]

    /// A snapshot.
    public init(summary: RDBSummary, entries: [RDBEntry]) {
        self.summary = summary
        self.entries = entries
    }
}
