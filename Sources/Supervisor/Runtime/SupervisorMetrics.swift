import Core
import Metrics

/// The supervisor's own `/metrics`: per instance up, health, restarts and last exit code, plus the
/// process metrics. Thread-safe (the registry and its families are).
final class SupervisorMetrics: Sendable {
    let registry = MetricsRegistry()
    private let up: GaugeFamily
    private let healthGauge: GaugeFamily
    private let restarts: CounterFamily
    private let exitCode: GaugeFamily

    init() {
        up = registry.gauge(
            name: "stack_instance_up", help: "Whether the instance's process is running (1) or not (0).",
            labelNames: ["instance", "service"])
        healthGauge = registry.gauge(
            name: "stack_instance_healthy",
            help: "Health check result: 1 healthy, 0 unhealthy, -1 starting or no check.", labelNames: ["instance"])
        restarts = registry.counter(
            name: "stack_instance_restarts_total", help: "Restarts of the instance by its restart policy.",
            labelNames: ["instance", "service"])
        exitCode = registry.gauge(
            name: "stack_instance_last_exit_code",
            help: "Exit code of the instance's last process (128+n after signal n).",
            labelNames: ["instance"])
        ProcessMetrics.register(in: registry)
    }

    func restarted(_ instance: String, service: String) {
        restarts.labels(instance, service).increment()
    }

    func lastExitCode(_ instance: String, _ code: Int) {
        exitCode.labels(instance).set(Double(code))
    }

    func health(_ instance: String, _ status: HealthStatus) {
        healthGauge.labels(instance).set(status == .healthy ? 1 : status == .unhealthy ? 0 : -1)
    }

    /// Sets `stack_instance_up` for every instance (called on the supervisor loop before rendering).
    func refresh(_ instances: [InstanceRuntime]) {
        for instance in instances {
            up.labels(instance.name, instance.service.name).set(instance.isAlive ? 1 : 0)
        }
    }
}
