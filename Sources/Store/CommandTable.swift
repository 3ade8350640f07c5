/// Every command the store knows, by lower-case name: Redis's command table.
///
/// Lookup lower-cases the name into an inline `StoreKey` and probes a small open-addressing index over
/// the rows, so finding a command allocates nothing and costs a multiply rather than a `Hasher` run
/// (SipHash: about 600 instructions per command with a `Dictionary` here, a tenth of a pipelined GET).
/// Built once, then read-only.
public struct CommandTable {
    /// Every command, sorted by name; a row's `index` is its position here.
    private var rows: [CommandSpec] = []
    /// The rows' names as keys, in the same order.
    private var names: [StoreKey] = []
    /// Open addressing (linear probing) over `rows`: a slot holds a row's position + 1, 0 when empty. At
    /// most a quarter full, so a probe rarely looks at more than one or two slots.
    private var slots: [Int16] = []

    /// A table of `specs`; a duplicate name is a programmer error.
    public init(_ specs: [CommandSpec]) {
        rows = specs.sorted { $0.name < $1.name }
        precondition(rows.count < Int16.max, "too many commands")
        var capacity = 16
        while capacity < rows.count * 4 { capacity *= 2 }
        slots = Array(repeating: 0, count: capacity)
        for index in rows.indices {
            rows[index].index = index
            let key = StoreKey(rows[index].name)
            precondition(position(of: key) == nil, "command \(rows[index].name) defined twice")
            names.append(key)
            var slot = Self.slot(of: key, mask: capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int16(index + 1)
        }
    }

    /// The command named by `name` (any case), or nil.
    public func spec(named name: UnsafeRawBufferPointer) -> CommandSpec? {
        position(named: name).map { rows[$0] }
    }

    /// The position (`CommandSpec.index`) of the command named by `name` (any case), or nil.
    public func position(named name: UnsafeRawBufferPointer) -> Int? {
        guard name.count <= StoreKey.inlineCapacity else { return nil }
        return position(of: StoreKey(name, lowercased: true))
    }

    /// The command for a lower-case key, or nil.
    public func spec(for key: StoreKey) -> CommandSpec? { position(of: key).map { rows[$0] } }

    /// The row at `position` (from `position(named:)`).
    public subscript(position: Int) -> CommandSpec { rows[position] }

    /// How many commands (COMMAND COUNT).
    public var count: Int { rows.count }

    /// Every command, sorted by name.
    public var all: [CommandSpec] { rows }

    func position(of key: StoreKey) -> Int? {
        let mask = slots.count - 1
        var slot = Self.slot(of: key, mask: mask)
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if names[entry - 1] == key { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// A command name's first slot. Not seeded as the keyspace's hash is: the table is fixed, so a client
    /// choosing names can at worst make its own lookup probe the table's longest run.
    static func slot(of key: StoreKey, mask: Int) -> Int {
        guard case .inline(let first, let second, let third, let count) = key.storage else {
            return key.hashValue & mask
        }
        var mixed = (first ^ UInt64(count)) &* 0x9E37_79B9_7F4A_7C15
        mixed ^= (second ^ third) &* 0xC2B2_AE3D_27D4_EB4F
        mixed ^= mixed >> 32
        return Int(truncatingIfNeeded: mixed) & mask
    }

    /// The store's full table: every family's commands.
    public static func standard() -> CommandTable {
        CommandTable(
            CommandExecutor.connectionCommands + CommandExecutor.serverCommands + CommandExecutor.keyCommands
                + CommandExecutor.stringCommands + CommandExecutor.hashCommands + CommandExecutor.listCommands
                + CommandExecutor.setCommands + CommandExecutor.sortedSetCommands
                + CommandExecutor.transactionCommands + CommandExecutor.shutdownCommands
                + CommandExecutor.persistenceCommands + CommandExecutor.pubSubCommands
                + CommandExecutor.streamCommands + CommandExecutor.replicationCommands)
    }
}
