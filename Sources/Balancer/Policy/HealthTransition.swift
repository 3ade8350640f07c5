import Core

/// A change worth logging and counting, returned by the `UpstreamHealth` event that caused it.
public enum HealthTransition: Sendable, Equatable {
    /// The active checks brought the upstream up (from `starting` or `down`).
    case cameUp(reason: String)
    /// The active checks took the upstream down (from `starting` or `up`).
    case wentDown(reason: String)
    /// Passive: too many failed requests; no traffic until `until`, then one request tries it again.
    case ejected(until: Instant, reason: String)
    /// Passive: a request succeeded after an ejection, so the upstream is fully back.
    case readmitted
}
