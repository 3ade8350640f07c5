import CShims
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Reaps every child process the moment it exits, through a signalfd for SIGCHLD on an event loop.
///
/// Create it on the loop thread before spawning anything; SIGCHLD is blocked for the whole process
/// (call `blockChildSignals()` in `main` before starting any thread, so no thread takes the signal).
/// Also makes the process a child subreaper, so orphaned grandchildren are reaped here too instead of
/// lingering as zombies. Confined to its loop's thread.
public final class ChildWatcher: Selectable, LoopClosable {
    private let loop: EventLoop
    private var fd: Int32
    private let onExit: (Int32, ProcessExitStatus) -> Void
    private var sweep: RepeatingTimer?

    /// Blocks SIGCHLD in the calling thread; threads started afterwards inherit the mask.
    public static func blockChildSignals() {
        var signals: [Int32] = [SIGCHLD]
        _ = cshim_block_signals(&signals, 1)
    }

    /// Starts watching; `onExit(pid, status)` runs on the loop thread for every reaped child.
    public init(loop: EventLoop, onExit: @escaping (Int32, ProcessExitStatus) -> Void) throws(IOError) {
        precondition(loop.inEventLoop)
        self.loop = loop
        self.onExit = onExit
        var signals: [Int32] = [SIGCHLD]
        fd = try syscallBlocking("create signalfd for SIGCHLD") { cshim_signalfd(&signals, 1) }
        _ = cshim_set_child_subreaper()
        try loop.register(fd, interest: .read, handler: self)
        // Children that exited before the signalfd existed sent their SIGCHLD already: reap now. And a
        // thread that did not block SIGCHLD (one started before `blockChildSignals`) may take the
        // signal and drop it, so a slow sweep backs the signalfd up.
        reapAll()
        sweep = loop.scheduleRepeating(every: .milliseconds(500)) { [weak self] in self?.reapAll() }
    }

    public func handleEvents(_ events: UInt32) {
        // Several exits can coalesce into one SIGCHLD: drain the signalfd, then reap until none is left.
        while cshim_signalfd_read(fd, nil, nil) > 0 {}
        reapAll()
    }

    private func reapAll() {
        var status: Int32 = 0
        while true {
            let pid = cshim_reap(&status)
            guard pid > 0 else { return }
            onExit(pid, ProcessExitStatus(waitStatus: status))
        }
    }

    func closeOnLoopShutdown() {
        sweep?.cancel()
        guard fd >= 0 else { return }
        loop.deregister(fd)
        closeDescriptor(fd)
        fd = -1
    }
}
