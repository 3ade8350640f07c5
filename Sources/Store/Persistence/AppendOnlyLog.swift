import Core
import Reactor
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The append-only file: every propagated write, as RESP, in order (Redis's AOF).
///
/// `append` writes a batch before its replies leave; under `appendfsync always` it also waits for the
/// disk, so a `kill -9` never loses an acknowledged write. Under `everysec` a background thread fsyncs
/// once a second (Redis's bio thread), so the keyspace's thread never waits for the disk. While a
/// rewrite child works, appended batches are also kept in `rewriteBuffer` and joined to its output.
///
/// Confined to the keyspace's thread, except the background syncs, which only see a descriptor.
public final class AppendOnlyLog {
    /// The file's path.
    public let path: String
    /// When writes reach the disk.
    public var policy: AppendFsyncPolicy
    /// The size after the last rewrite (or at open): the base of `auto-aof-rewrite-percentage`.
    public private(set) var baseSize: Int
    /// The writes made while a rewrite runs; nil when none runs.
    public private(set) var rewriteBuffer: ByteBuffer?
    /// When the last background fsync was requested, Unix milliseconds.
    private var lastSyncRequestAt: Int64 = 0
    private var file: AppendFile
    private let syncer: BackgroundSyncer

    /// Opens (creating it when missing) the file at `path`.
    public init(path: String, policy: AppendFsyncPolicy) throws(IOError) {
        self.path = path
        self.policy = policy
        file = try AppendFile(path: path)
        baseSize = file.size
        syncer = try BackgroundSyncer()
    }

    deinit { syncer.close(file.detachDescriptor()) }

    /// The current size in bytes.
    public var size: Int { file.size }

    /// The last background fsync error (`strerror` text), nil when the last one succeeded.
    public var backgroundError: String? { syncer.lastError }

    /// Whether writes under `always` are synced by the caller once per loop turn (`synchronizeIfNeeded`)
    /// rather than by each `append`: the server's group commit. Off in tests without a loop.
    public var defersSync = false
    /// Whether something was appended since the last sync (group commit).
    public private(set) var needsSync = false

    /// Appends one batch of commands; under `always`, returns only once they are on disk, unless
    /// `defersSync` (then the caller syncs before any reply leaves).
    public func append(_ commands: ByteBuffer) throws(IOError) {
        try file.write(commands)
        if rewriteBuffer != nil { rewriteBuffer!.writeBuffer(commands) }
        guard policy == .always else { return }
        if defersSync {
            needsSync = true
        } else {
            try file.synchronize()
        }
    }

    /// The group commit's one fsync for everything appended this turn.
    public func synchronizeIfNeeded() throws(IOError) {
        guard needsSync else { return }
        needsSync = false
        try file.synchronize()
    }

    /// Once a second under `everysec`: asks the background thread to fsync. Called from the server's
    /// cron at `now` (Unix milliseconds).
    public func cron(now: Int64) {
        guard policy == .everySecond, now - lastSyncRequestAt >= 1000 else { return }
        lastSyncRequestAt = now
        syncer.synchronize(file.fd)
    }

    /// Forces the file to disk now (SHUTDOWN, BGREWRITEAOF completion).
    public func synchronize() throws(IOError) { try file.synchronize() }

    /// Cuts a torn tail found at load (aof-load-truncated).
    public func truncate(to length: Int) throws(IOError) {
        try file.truncate(to: length)
        baseSize = length
    }

    // MARK: - Rewrite

    /// A rewrite child started: from now on appended batches are kept for it as well.
    public func beginRewrite() { rewriteBuffer = ByteBuffer() }

    /// The rewrite failed or was cancelled: forget what was kept.
    public func abandonRewrite() { rewriteBuffer = nil }

    /// The child wrote the keyspace to `temporaryPath`: appends the writes made meanwhile, syncs, and
    /// atomically puts it in place of the log, which continues in the new file.
    public func completeRewrite(temporaryPath: String) throws(IOError) {
        let pending = rewriteBuffer ?? ByteBuffer()
        rewriteBuffer = nil
        let replacement = try AppendFile(path: temporaryPath)
        try replacement.write(pending)
        try replacement.synchronize()
        try FileSystem.rename(temporaryPath, to: path)
        let old = file
        file = replacement
        baseSize = replacement.size
        // The old descriptor may have a background fsync pending: that thread closes it after.
        syncer.close(old.detachDescriptor())
    }
}

/// The thread that fsyncs the AOF under `everysec` and closes replaced descriptors after their syncs.
final class BackgroundSyncer: Sendable {
    private let loop: EventLoop
    private let error = Mutex<String?>(nil)

    init() throws(IOError) { loop = try EventLoop.start(name: "aof-fsync") }

    deinit { loop.stop() }

    var lastError: String? { error.withLock { $0 } }

    func synchronize(_ fd: Int32) {
        loop.execute { [self] in
            let code = AppendFile.synchronizeData(fd: fd)
            self.error.withLock { $0 = code == 0 ? nil : String(cString: strerror(code)) }
        }
    }

    func close(_ fd: Int32) {
        loop.execute { AppendFile.closeDetached(fd: fd) }
    }
}
