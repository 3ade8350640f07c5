/// What a service waits for before it starts: every instance of a dependency started, or healthy.
public enum DependencyCondition: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The dependency's instances have been spawned.
    case started
    /// The dependency's instances pass their health check (or, without one, have started).
    case healthy

    /// Parses `started` / `healthy` and compose's `service_started` / `service_healthy`.
    public init?(manifestValue text: String) {
        switch text {
        case "started", "service_started": self = .started
        case "healthy", "service_healthy": self = .healthy
        default: return nil
        }
    }

    /// The manifest spelling.
    public var description: String { rawValue }
}
