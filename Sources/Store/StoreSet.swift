/// A set value: members in a dense array plus their positions, so membership is a hash lookup and a
/// random member (SPOP, SRANDMEMBER) costs O(1), as Redis's dict gives `dictGetFairRandomKey`.
///
/// Removal moves the last member into the hole. Not thread-safe: confined to the keyspace's owner.
public struct StoreSet: Sendable {
    private var positions: [StoreKey: Int] = [:]
    /// The members, in no particular order.
    public private(set) var members: [StoreKey] = []

    /// An empty set.
    public init() {}

    /// A set of `members`.
    public init(_ members: some Sequence<StoreKey>) {
        for member in members { insert(member) }
    }

    /// How many members.
    public var count: Int { members.count }

    /// Whether the set has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// Whether `member` is in the set.
    public func contains(_ member: StoreKey) -> Bool { positions[member] != nil }

    /// Adds `member`; returns whether it was new.
    @discardableResult
    public mutating func insert(_ member: StoreKey) -> Bool {
        guard positions[member] == nil else { return false }
        positions[member] = members.count
        members.append(member)
        return true
    }

    /// Removes `member`; returns whether it was there.
    @discardableResult
    public mutating func remove(_ member: StoreKey) -> Bool {
        guard let position = positions.removeValue(forKey: member) else { return false }
        let last = members.count - 1
        if position != last {
            members[position] = members[last]
            positions[members[position]] = position
        }
        members.removeLast()
        return true
    }

    /// A uniformly random member; the set must not be empty.
    public func randomMember(using generator: inout some RandomNumberGenerator) -> StoreKey {
        members[Int.random(in: 0..<members.count, using: &generator)]
    }
}
