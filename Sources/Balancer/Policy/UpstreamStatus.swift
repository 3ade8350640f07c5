/// Where an upstream stands with the active health checks.
public enum UpstreamStatus: String, Sendable, Equatable {
    /// New, with checks enabled: no traffic until the first check passes.
    case starting
    /// Taking traffic (unless passively ejected for a while: see `UpstreamHealthState.ejectedUntil`).
    case up
    /// Failed `fall` checks in a row; back after `rise` passes in a row.
    case down
}
