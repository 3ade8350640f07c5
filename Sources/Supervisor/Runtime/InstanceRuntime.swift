import Core
import Manifest
import Reactor

/// Everything the supervisor keeps about one instance: its spec, its two state machines, its timers
/// and its output pipe. Confined to the supervisor's loop thread.
final class InstanceRuntime {
    let spec: InstanceSpec
    let service: ServiceSpec
    var machine: InstanceStateMachine
    var health: HealthStateMachine?
    /// The lifecycle machine's one timer (back-off, stop deadline).
    var timer: LoopTimer?
    /// The health machine's timer (next probe, probe timeout).
    var healthTimer: LoopTimer?
    /// Bumped per probe so a late result of an abandoned probe is ignored.
    var probeGeneration = 0
    var output: PipeReader?
    /// Wall-clock start of the current process, for `ps` and `top`.
    var startedAtWall: Double?
    var lastExit: ProcessExitStatus?
    /// Total restarts over the supervisor's lifetime (the machine's count resets on explicit starts).
    var restarts = 0
    /// Whether the instance is to be deleted once it has stopped (scale-down, removed service).
    var isBeingRemoved = false
    /// Whether `stack restart` is waiting for the process to stop before starting it again.
    var pendingRestart = false
    /// Last CPU sample for `top`: (cpu ticks, wall seconds).
    var cpuSample: (ticks: Int, wall: Double)?

    init(spec: InstanceSpec, service: ServiceSpec, userStopped: Bool) {
        self.spec = spec
        self.service = service
        self.machine = InstanceStateMachine(policy: InstancePolicy(service), userStopped: userStopped)
        self.health = service.healthCheck.map { HealthStateMachine(policy: HealthCheckPolicy($0)) }
    }

    var name: String { spec.name }

    /// The state as `stack ps` names it.
    var stateName: String {
        switch machine.state {
        case .created: return "created"
        case .waitingForDependencies: return "waiting"
        case .spawning: return "starting"
        case .running: return "running"
        case .backingOff: return "restarting"
        case .stopping, .killing: return "stopping"
        case .exited: return "exited"
        case .stopped, .stoppedByUser, .removed: return "stopped"
        case .failed: return "failed"
        }
    }

    /// Whether a process is alive (running or being stopped).
    var isAlive: Bool { machine.pid != nil }

    /// Whether the instance is at rest: no process and nothing scheduled to start one.
    var isSettled: Bool {
        switch machine.state {
        case .exited, .stopped, .stoppedByUser, .failed, .removed, .created: return true
        case .waitingForDependencies, .spawning, .running, .backingOff, .stopping, .killing: return false
        }
    }

    /// The health as `stack ps` names it, or nil without a health check.
    var healthName: String? {
        guard health != nil else { return nil }
        guard isAlive else { return nil }
        return health?.status?.description ?? "starting"
    }
}
