/// Every command the store knows, keyed by lower-case name: Redis's command table.
///
/// Lookup lower-cases the name into an inline `StoreKey`, so finding a command allocates nothing.
/// Built once, then read-only.
public struct CommandTable {
    private var specs: [StoreKey: CommandSpec] = [:]

    /// A table of `specs`; a duplicate name is a programmer error.
    public init(_ specs: [CommandSpec]) {
        for (index, spec) in specs.sorted(by: { $0.name < $1.name }).enumerated() {
            let key = StoreKey(spec.name)
            precondition(self.specs[key] == nil, "command \(spec.name) defined twice")
            var spec = spec
            spec.index = index
            self.specs[key] = spec
        }
    }

    /// The command named by `name` (any case), or nil.
    public func spec(named name: UnsafeRawBufferPointer) -> CommandSpec? {
        guard name.count <= StoreKey.inlineCapacity else { return nil }
        return spec(for: StoreKey(name, lowercased: true))
    }

    /// The command for a lower-case key, or nil.
    public func spec(for key: StoreKey) -> CommandSpec? { specs[key] }

    /// How many commands (COMMAND COUNT).
    public var count: Int { specs.count }

    /// Every command, sorted by name.
    public var all: [CommandSpec] { specs.values.sorted { $0.name < $1.name } }

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
