import CShims

#if canImport(Glibc)
    import Glibc
#endif

/// A forked copy of the process that serialises memory and exits: Redis's way to snapshot a keyspace
/// (BGSAVE, AOF rewrite) while the parent keeps serving, the kernel's copy-on-write keeping the child's
/// view frozen at the fork.
///
/// The child runs only `body` and then `_exit`s: no event loop, no other thread exists in it, so `body`
/// must not wait on anything another thread would do. It gets SIGKILL if the parent dies.
public enum SnapshotChild {
    /// Forks; the child runs `body` and exits 0 when it returns true, 1 otherwise. Returns the child's pid.
    public static func start(_ body: () -> Bool) throws(IOError) -> Int32 {
        let pid = cshim_fork_snapshot_child()
        if pid < 0 { throw IOError("fork a snapshot child", errno: errno) }
        if pid == 0 { _exit(body() ? 0 : 1) }
        return pid
    }

    /// The child's status once it ended, nil while it runs. Never blocks.
    public static func poll(_ pid: Int32) -> ProcessExitStatus? {
        var status: Int32 = 0
        let result = cshim_waitpid_nohang(pid, &status)
        guard result == pid else {
            // Someone else reaped it (or it was never ours): report a failure rather than waiting forever.
            return result < 0 ? .exited(127) : nil
        }
        return ProcessExitStatus(waitStatus: status)
    }

    /// Kills a running child (SIGUSR1, as Redis, so it is told apart from a crash) and reaps it.
    public static func kill(_ pid: Int32) {
        Glibc.kill(pid, SIGUSR1)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
