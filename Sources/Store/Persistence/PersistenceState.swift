import Reactor

/// What the executor knows about snapshots and the AOF: the running children and the outcomes INFO
/// persistence reports. Confined to the keyspace's thread.
public struct PersistenceState {
    /// A forked child writing a snapshot or a rewritten AOF.
    public struct Child {
        /// Its pid.
        public var pid: Int32
        /// The file it writes, renamed into place when it succeeds.
        public var temporaryPath: String
        /// When it was started, Unix milliseconds.
        public var startedAt: Int64
        /// `Keyspace.dirty` at the fork: what the snapshot contains.
        public var dirtyAtStart: Int
    }

    /// The BGSAVE child, if one runs.
    public var snapshotChild: Child?
    /// The BGREWRITEAOF child, if one runs.
    public var rewriteChild: Child?
    /// A BGREWRITEAOF asked for while a BGSAVE ran: started when it ends.
    public var isRewriteScheduled = false
    /// A BGSAVE SCHEDULE asked for while a rewrite ran: started when it ends.
    public var isSnapshotScheduled = false
    /// When the last snapshot was written (or the data loaded), Unix seconds (LASTSAVE).
    public var lastSaveAt: Int64 = 0
    /// `Keyspace.dirty` when the last snapshot was taken: changes since then drive the save rules.
    public var dirtyAtLastSave = 0
    /// Whether the last BGSAVE succeeded.
    public var lastSnapshotSucceeded = true
    /// How long the last BGSAVE took, seconds (-1: none yet).
    public var lastSnapshotSeconds = -1
    /// When a BGSAVE was last tried, Unix milliseconds (the retry delay after a failure).
    public var lastSnapshotTryAt: Int64 = 0
    /// Whether the last AOF rewrite succeeded.
    public var lastRewriteSucceeded = true
    /// Whether the last AOF write succeeded.
    public var lastAppendSucceeded = true
    /// Snapshots written since start.
    public var snapshotsWritten = 0
    /// Called when a BGSAVE child ends, with whether it succeeded and the snapshot's path (replication
    /// waits on this to send a full sync). Cleared after each call.
    public var snapshotWaiters: [(Bool, String) -> Void] = []

    /// The replication history the loaded snapshot recorded (aux fields repl-id, repl-offset).
    public var loadedReplication: (id: String, offset: Int)?

    /// A state with nothing running.
    public init() {}
}
