import CShims
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Reaps watched child processes the moment they exit, through a signalfd for SIGCHLD on an event loop.
///
/// Create it on the loop thread; SIGCHLD must be blocked in every thread (call `SignalWatcher.block([SIGCHLD])` in
/// `main` before starting any thread, so no thread takes the signal). Only pids handed to `watch` are
/// reaped, so other code in the process (Foundation's `Process`) keeps its own children. With
/// `reapsOrphans` (the supervisor, which owns every child of its process) it also becomes a child
/// subreaper and reaps whatever exits, so orphaned grandchildren never linger as zombies. Confined to
/// its loop's thread.
public final class ChildWatcher: Selectable, LoopClosable {
    private let loop: EventLoop
    private var fd: Int32
    private let onExit: (Int32, ProcessExitStatus) -> Void
    private var sweep: RepeatingTimer?
    private let reapsOrphans: Bool
    private var watched: Set<Int32> = []

    /// Starts watching; `onExit(pid, status)` runs on the loop thread for every reaped watched child
    /// (and, with `reapsOrphans`, for every other reaped process too).
    public init(
        loop: EventLoop, reapsOrphans: Bool = false, onExit: @escaping (Int32, ProcessExitStatus) -> Void
    )
        throws(IOError)
    {
        precondition(loop.inEventLoop)
        self.loop = loop
        self.reapsOrphans = reapsOrphans
        self.onExit = onExit
        var signals: [Int32] = [SIGCHLD]
        fd = try syscallBlocking("create signalfd for SIGCHLD") { cshim_signalfd(&signals, 1) }
        if reapsOrphans { _ = cshim_set_child_subreaper() }
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

    /// Reaps `pid` when it exits. Call right after spawning, on the loop thread.
    public func watch(_ pid: Int32) {
        watched.insert(pid)
        // It may have exited already, with its SIGCHLD consumed by an earlier drain.
        reapAll()
    }

    private func reapAll() {
        var status: Int32 = 0
        if reapsOrphans {
            while true {
                let pid = cshim_reap(&status)
                guard pid > 0 else { return }
                watched.remove(pid)
                onExit(pid, ProcessExitStatus(waitStatus: status))
            }
        }
        for pid in watched where waitpid(pid, &status, WNOHANG) == pid {
            watched.remove(pid)
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
