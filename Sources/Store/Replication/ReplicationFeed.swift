import Core

/// The replication stream of this store: its history's ids, the backlog and the attached replicas
/// (the master half of Redis's replication.c).
///
/// On a master it is the executor's `PropagationSink` once the first replica attached (until then
/// nothing is kept, as Redis creates its backlog with the first replica). On a replica it is fed the
/// master's stream verbatim by the `MasterLink`, so it can serve its own replicas and, once promoted,
/// let the others continue from where they were. Confined to the keyspace's thread.
public final class ReplicationFeed: PropagationSink {
    /// The current history's id (master_replid).
    public internal(set) var replicationID: String
    /// The previous history's id (master_replid2) after a promotion, so replicas of the old master can
    /// continue with us.
    public internal(set) var secondaryID = ReplicationID.none
    /// The last offset that belongs to the previous history (second_repl_offset, -1: none).
    public internal(set) var secondaryOffset = -1
    /// The recent stream.
    public private(set) var backlog: ReplicationBacklog
    /// Whether the backlog has been in use (a replica attached once): INFO's repl_backlog_active.
    public internal(set) var isActive = false
    /// Attached replicas, in attach order.
    public internal(set) var replicas: [ReplicaLink] = []

    /// A feed with a fresh id, a backlog of `backlogSize` bytes, at stream offset `offset`.
    public init(backlogSize: Int, replicationID: String = ReplicationID.make(), offset: Int = 0) {
        self.replicationID = replicationID
        backlog = ReplicationBacklog(capacity: max(16 * 1024, backlogSize), masterOffset: offset)
    }

    /// The offset of the last stream byte (master_repl_offset).
    public var masterOffset: Int { backlog.masterOffset }

    /// Takes one batch of stream bytes: into the backlog and to every replica.
    public func propagate(_ commands: ByteBuffer) {
        commands.withUnsafeReadableBytes { backlog.append($0) }
        for replica in replicas { replica.send(commands) }
    }

    /// Whether a replica that followed history `id` and next needs byte `offset` can continue here.
    public func canContinue(id: String, offset: Int) -> Bool {
        guard isActive else { return false }
        guard id == replicationID || (id == secondaryID && offset <= secondaryOffset + 1) else { return false }
        return backlog.canContinue(from: offset)
    }

    /// Starts a new history at the current offset (a replica promoted to master), keeping the old one as
    /// the secondary so the other replicas continue with us (Redis's `shiftReplicationId`).
    public func startNewHistory(previousID: String) {
        secondaryID = previousID
        secondaryOffset = masterOffset
        replicationID = ReplicationID.make()
    }

    /// Follows a master's history from `offset` with nothing held (after a full sync).
    public func follow(id: String, offset: Int) {
        replicationID = id
        secondaryID = ReplicationID.none
        secondaryOffset = -1
        backlog.reset(masterOffset: offset)
        isActive = true
    }

    /// Drops `replica` (its connection closed).
    func detach(_ replica: ReplicaLink) { replicas.removeAll { $0 === replica } }
}
