import CShims

#if canImport(Glibc)
    import Glibc
#endif

/// Guarantees that no instance outlives the supervisor, even when the supervisor is SIGKILLed.
///
/// A child's parent-death signal covers the child but not the grandchildren it forks. The watchdog is a
/// tiny forked process (plain C, see `cshim_spawn_watchdog`) holding the read end of a pipe whose write
/// end only the supervisor has: when the supervisor dies, the pipe reaches EOF and the watchdog sends
/// SIGKILL to every process group it was told about. Thread-safe (writes to a pipe are atomic).
public final class OrphanWatchdog: Sendable {
    private let writeFD: Int32
    /// The watchdog's pid.
    public let pid: Int32

    /// Starts the watchdog process.
    public init() throws(IOError) {
        var fds: [Int32] = [0, 0]
        _ = try syscallBlocking("create watchdog pipe") { cshim_pipe2(&fds) }
        let pid = cshim_spawn_watchdog(fds[0])
        closeDescriptor(fds[0])
        guard pid > 0 else {
            closeDescriptor(fds[1])
            throw IOError("start orphan watchdog", errno: -pid)
        }
        self.pid = pid
        self.writeFD = fds[1]
    }

    /// Tells the watchdog to kill process group `group` if the supervisor dies.
    public func guardGroup(_ group: Int32) { send(group) }

    /// Tells the watchdog that `group` has ended.
    public func releaseGroup(_ group: Int32) { send(-group) }

    /// Tells the watchdog the supervisor is exiting cleanly (every instance already stopped).
    public func dismiss() {
        send(0)
        closeDescriptor(writeFD)
    }

    /// Closes the pipe without the farewell, as the kernel does when the supervisor dies (for tests).
    func simulateSupervisorDeath() {
        closeDescriptor(writeFD)
    }

    private func send(_ value: Int32) {
        var value = value
        _ = withUnsafeBytes(of: &value) { write(writeFD, $0.baseAddress, 4) }
    }
}
