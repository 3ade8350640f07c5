import Core

/// Something the owner of an `InstanceStateMachine` must do, in the order the machine returns them.
public enum InstanceAction: Hashable, Sendable {
    /// Look up the instance's dependencies (`DependencyGate`) and send `.dependenciesReady` once they are met,
    /// at once if they already are.
    case awaitDependencies
    /// Spawn the process in a new process group, then send `.spawned(pid:)` or `.spawnFailed(reason:)`.
    case spawn
    /// Send `signal` to the process alone (`kill(pid, signal)`).
    case sendSignal(pid: Int32, UnixSignal)
    /// Send `signal` to the process group the instance leads (`kill(-pgid, signal)`).
    case sendSignalToGroup(pgid: Int32, UnixSignal)
    /// Arm the instance's single timer for `deadline`, replacing any earlier one; send `.timerFired` then.
    case scheduleTimer(at: Instant)
    /// Disarm the instance's timer. A timer that fires anyway is harmless: the machine checks the deadline.
    case cancelTimer
    /// Record `event` for `stack events` and the log.
    case emit(LifecycleEvent)
    /// Store the "stopped by hand" flag where a restarted supervisor will find it (`unless-stopped`).
    case persistUserStopped(Bool)
}
