/// Which services may start, given what they depend on and how far their dependencies have come.
///
/// Compose's semantics: a service waits for its dependency *services*, and a dependency service is ready when
/// every one of its instances meets the condition (`service_started`, `service_healthy`,
/// `service_completed_successfully`), not just one of them. A dependency with no instances (scaled to zero)
/// does not hold anything up, as Compose does not wait when there is no container. Shutdown runs in reverse:
/// a service stops only once nothing that depends on it still runs.
///
/// Pure and immutable; the owner keeps the instance states and asks.
public struct DependencyGate: Sendable {
    /// What a dependent waits for, per dependency.
    public enum Condition: Hashable, Sendable {
        /// Every instance has a running process (Compose `service_started`).
        case started
        /// Every instance passes its health check (Compose `service_healthy`).
        case healthy
        /// Every instance ran and exited with code 0 (Compose `service_completed_successfully`).
        case completedSuccessfully
    }

    /// How far one instance has come, as the gate needs to know it.
    public enum Readiness: Hashable, Sendable {
        /// No process yet, or none at the moment (waiting, spawning, backing off, stopped, failed).
        case notStarted
        /// A process runs; it has no health check or no healthy verdict (yet).
        case started
        /// A process runs and its health check passes.
        case healthy
        /// The process exited with code 0 and will not be restarted.
        case completedSuccessfully

        /// Whether this instance meets `condition`.
        public func satisfies(_ condition: Condition) -> Bool {
            switch (condition, self) {
            case (.started, .started), (.started, .healthy), (.started, .completedSuccessfully): true
            case (.healthy, .healthy): true
            case (.completedSuccessfully, .completedSuccessfully): true
            case (.started, .notStarted), (.healthy, .notStarted), (.healthy, .started),
                (.healthy, .completedSuccessfully), (.completedSuccessfully, .notStarted),
                (.completedSuccessfully, .started), (.completedSuccessfully, .healthy):
                false
            }
        }
    }

    /// Every service, and what it waits for from each of its dependencies.
    public let dependencies: [String: [String: Condition]]
    /// Services in waves: each wave depends only on earlier ones; names sorted within a wave.
    public let startOrder: [[String]]

    /// Validates the graph: every dependency must be a service, and the graph must have no cycle.
    ///
    /// - Parameter dependencies: every service of the stack, each with its dependencies (empty for none).
    /// - Throws: `SupervisorError` `.unknownDependency` or `.dependencyCycle`; never loops on a cycle.
    public init(dependencies: [String: [String: Condition]]) throws(SupervisorError) {
        for (service, needs) in dependencies.sorted(by: { $0.key < $1.key }) {
            for dependency in needs.keys.sorted() where dependencies[dependency] == nil {
                throw SupervisorError(
                    .unknownDependency,
                    "unable to order services: \(service) depends on \(dependency), which is not a service")
            }
        }
        var remaining = Set(dependencies.keys)
        var waves: [[String]] = []
        // Kahn's algorithm by waves: each pass takes every service whose dependencies are all placed, so a
        // pass that takes nothing means the rest is (or leads into) a cycle.
        while !remaining.isEmpty {
            let wave = remaining.filter { service in
                dependencies[service, default: [:]].keys.allSatisfy { !remaining.contains($0) }
            }
            guard !wave.isEmpty else {
                throw SupervisorError(
                    .dependencyCycle,
                    "unable to order services: dependency cycle among \(remaining.sorted().joined(separator: ", "))")
            }
            waves.append(wave.sorted())
            remaining.subtract(wave)
        }
        self.dependencies = dependencies
        self.startOrder = waves
    }

    /// The start order reversed: dependents stop before what they depend on.
    public var shutdownOrder: [[String]] { startOrder.reversed() }

    /// Whether every dependency of `service` meets its condition.
    ///
    /// - Parameter readiness: the instances of each service (an empty list: scaled to zero); a dependency
    ///   missing here is not met.
    public func mayStart(_ service: String, readiness: [String: [Readiness]]) -> Bool {
        precondition(dependencies[service] != nil, "\(service) is not a service of this gate")
        return dependencies[service, default: [:]].allSatisfy { dependency, condition in
            // A service missing from `readiness` is one the owner forgot, not one scaled to zero: hold on.
            guard let instances = readiness[dependency] else { return false }
            return instances.allSatisfy { $0.satisfies(condition) }
        }
    }

    /// The services among `waiting` that may start now, sorted by name.
    public func servicesReadyToStart(among waiting: Set<String>, readiness: [String: [Readiness]]) -> [String] {
        waiting.filter { mayStart($0, readiness: readiness) }.sorted()
    }

    /// Whether `service` may stop: none of the services in `running` depends on it.
    public func mayStop(_ service: String, running: Set<String>) -> Bool {
        precondition(dependencies[service] != nil, "\(service) is not a service of this gate")
        return running.allSatisfy { other in other == service || dependencies[other, default: [:]][service] == nil }
    }
}
