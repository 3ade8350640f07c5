/// The health of a running instance, as Docker reports it.
public enum HealthStatus: Hashable, Sendable, CustomStringConvertible {
    /// No verdict yet: the process started and no probe has passed (failures in the start period do not count).
    case starting
    /// The last probe passed.
    case healthy
    /// `retries` probes in a row failed.
    case unhealthy

    public var description: String {
        switch self {
        case .starting: "starting"
        case .healthy: "healthy"
        case .unhealthy: "unhealthy"
        }
    }
}
