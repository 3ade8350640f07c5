import Core

/// A snapshot of one upstream's health for the status page and logs.
public struct UpstreamHealthState: Sendable, Equatable {
    /// Where the active checks put it.
    public var status: UpstreamStatus
    /// Why it is in `status` (or ejected), in words: "2 checks passed in a row", "3 requests failed within 10s".
    public var reason: String
    /// Checks passed in a row (reset by a failed check).
    public var consecutiveSuccesses: Int
    /// Checks failed in a row (reset by a passed check).
    public var consecutiveFailures: Int
    /// Failed requests counted in the current passive window.
    public var recentRequestFailures: Int
    /// When passive ejection ends, while ejected or on probation after it; `nil` when not ejected.
    public var ejectedUntil: Instant?
    /// When `status` or the ejection last changed.
    public var lastChange: Instant
}
