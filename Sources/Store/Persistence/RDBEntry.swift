/// One key read from a snapshot.
public struct RDBEntry: Sendable {
    /// The key.
    public var key: StoreKey
    /// Its value.
    public var value: StoreValue
    /// Its deadline in Unix milliseconds, nil when it has none. May be in the past: a snapshot keeps
    /// expired keys, and whether to drop them on load (Redis does, as a master) is the caller's choice.
    public var expiresAt: Int64?
    /// The database it was in (SELECTDB).
    public var database: Int

    /// An entry.
    public init(key: StoreKey, value: StoreValue, expiresAt: Int64?, database: Int = 0) {
        self.key = key
        self.value = value
        self.expiresAt = expiresAt
        self.database = database
    }
}
