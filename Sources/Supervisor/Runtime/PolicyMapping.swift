import Core
import Manifest
import Reactor

// The manifest speaks compose; the state machines speak their own small vocabulary. This is the one
// place that translates.

extension InstancePolicy {
    /// The lifecycle policy of `service`'s instances.
    init(_ service: ServiceSpec) {
        let mode: RestartMode
        switch service.restart {
        case .no: mode = .no
        case .always: mode = .always
        case .unlessStopped: mode = .unlessStopped
        case .onFailure(let maximum): mode = .onFailure(maximumRetries: maximum == 0 ? nil : maximum)
        }
        self.init(
            restart: mode, stopSignal: UnixSignal(rawValue: service.stopSignal.number),
            stopGracePeriod: service.stopGracePeriod)
    }
}

extension HealthCheckPolicy {
    /// The health policy of a manifest health check.
    init(_ check: HealthCheckSpec) {
        self.init(
            interval: check.interval, timeout: check.timeout, retries: max(1, check.retries),
            startPeriod: check.startPeriod, restartsWhenUnhealthy: check.isLiveness)
    }
}

extension TerminationStatus {
    /// The state machines' view of how a reaped process ended.
    init(_ status: ProcessExitStatus) {
        switch status {
        case .exited(let code): self = .code(code)
        case .signaled(let signal): self = .signal(UnixSignal(rawValue: signal))
        }
    }
}

extension DependencyGate.Condition {
    init(_ condition: DependencyCondition) {
        switch condition {
        case .started: self = .started
        case .healthy: self = .healthy
        }
    }
}
