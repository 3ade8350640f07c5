import Core

/// One service of a validated stack: how to run it, how many instances, when to restart them.
///
/// Values are final: `${VAR}` interpolation has been applied; only `{{service.…}}` references in
/// `command` and `environment` are left, and `resolveInstances` fills them in per instance.
public struct ServiceSpec: Sendable, Equatable {
    /// The service name, a key of `services`: letters, digits, `_` and `-`, starting with a letter or digit.
    public var name: String
    /// The program and its arguments. A bare program name (no `/`) is looked up beside the `stack`
    /// executable first, then on `PATH`; the supervisor does that, not this module.
    public var command: [String]
    /// Environment variables for every instance, in manifest order, before `{{…}}` references and the
    /// `STACK_*` variables are added.
    public var environment: [(name: String, value: String)]
    /// How many instances to run (default 1; 0 declares the service without running it).
    public var replicas: Int
    /// The port every instance listens on at its own address.
    public var port: Int
    /// Loopback addresses the service is published on, for clients outside the stack.
    public var publish: [PublishedAddress]
    /// When exited instances are restarted (default `no`).
    public var restart: RestartPolicy
    /// The services this one waits for, with the condition, in manifest order.
    public var dependencies: [(service: String, condition: DependencyCondition)]
    /// The health check, if any.
    public var healthCheck: HealthCheckSpec?
    /// The signal that asks an instance to stop (default `SIGTERM`).
    public var stopSignal: StopSignal
    /// How long a stopping instance gets before `SIGKILL` (default 10s).
    public var stopGracePeriod: TimeAmount
    /// The profiles that enable the service; empty means always enabled.
    public var profiles: [String]

    /// A service with the manifest defaults for everything optional.
    public init(
        name: String, command: [String], port: Int, environment: [(name: String, value: String)] = [],
        replicas: Int = 1, publish: [PublishedAddress] = [], restart: RestartPolicy = .no,
        dependencies: [(service: String, condition: DependencyCondition)] = [], healthCheck: HealthCheckSpec? = nil,
        stopSignal: StopSignal = .terminate, stopGracePeriod: TimeAmount = .seconds(Int64(10)), profiles: [String] = []
    ) {
        self.name = name
        self.command = command
        self.port = port
        self.environment = environment
        self.replicas = replicas
        self.publish = publish
        self.restart = restart
        self.dependencies = dependencies
        self.healthCheck = healthCheck
        self.stopSignal = stopSignal
        self.stopGracePeriod = stopGracePeriod
        self.profiles = profiles
    }

    /// Whether the service runs when `activeProfiles` are active: it has no profiles, or shares one.
    public func isEnabled(activeProfiles: Set<String>) -> Bool {
        profiles.isEmpty || profiles.contains(where: activeProfiles.contains)
    }

    /// The condition this service waits for on `service`, or `nil` if it does not depend on it.
    public func condition(on service: String) -> DependencyCondition? {
        dependencies.first(where: { $0.service == service })?.condition
    }

    public static func == (a: ServiceSpec, b: ServiceSpec) -> Bool {
        a.name == b.name && a.command == b.command && a.environment.elementsEqual(b.environment, by: ==)
            && a.replicas == b.replicas && a.port == b.port && a.publish == b.publish && a.restart == b.restart
            && a.dependencies.elementsEqual(b.dependencies, by: ==) && a.healthCheck == b.healthCheck
            && a.stopSignal == b.stopSignal && a.stopGracePeriod == b.stopGracePeriod && a.profiles == b.profiles
    }
}
