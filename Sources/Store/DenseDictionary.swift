/// A dictionary whose entries also sit in dense arrays, so that picking a random entry (RANDOMKEY, the
/// active expiry cycle's samples) and resuming a SCAN from a numeric cursor cost O(1).
///
/// Removal moves the last entry into the hole, so positions change: a SCAN that runs while keys are
/// deleted may miss an entry moved from behind its cursor (Redis guarantees it will not; our own hash
/// table with Redis's reverse-binary cursor is the later fix). Not thread-safe: confined to the owner.
public struct DenseDictionary<Value> {
    private var positions: [StoreKey: Int] = [:]
    /// Keys by position.
    public private(set) var keys: [StoreKey] = []
    /// Values by position, parallel to `keys`.
    public private(set) var values: [Value] = []

    /// An empty dictionary.
    public init() {}

    /// How many entries.
    @inlinable public var count: Int { keys.count }

    /// Whether there are no entries.
    public var isEmpty: Bool { keys.isEmpty }

    /// The position of `key`, or nil.
    public func position(of key: StoreKey) -> Int? { positions[key] }

    /// The value for `key`, or nil.
    public subscript(key: StoreKey) -> Value? {
        guard let position = positions[key] else { return nil }
        return values[position]
    }

    /// Sets the value for `key`, inserting it at the end when new.
    public mutating func set(_ value: Value, for key: StoreKey) {
        if let position = positions[key] {
            values[position] = value
        } else {
            positions[key] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    /// Mutates the value at `position` in place (no copy of a large hash).
    public mutating func modify<R>(at position: Int, _ body: (inout Value) -> R) -> R {
        body(&values[position])
    }

    /// Removes `key`; returns its value, or nil when absent.
    @discardableResult
    public mutating func remove(_ key: StoreKey) -> Value? {
        guard let position = positions.removeValue(forKey: key) else { return nil }
        let value = values[position]
        let last = keys.count - 1
        if position != last {
            keys[position] = keys[last]
            values[position] = values[last]
            positions[keys[position]] = position
        }
        keys.removeLast()
        values.removeLast()
        return value
    }

    /// Removes every entry.
    public mutating func removeAll() {
        positions = [:]
        keys = []
        values = []
    }
}
