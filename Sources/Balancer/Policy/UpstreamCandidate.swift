/// What `UpstreamSelector` needs to know about one upstream at the moment of a pick.
///
/// The proxy builds these from its own upstream table (health, in-flight counts); the selector answers
/// with an index into the array, so the two never disagree about identity.
public struct UpstreamCandidate: Sendable, Equatable {
    /// Relative share of requests, 1...256 (from the configuration).
    public var weight: Int
    /// Requests in flight to this upstream (from this loop, or overall: whatever the proxy counts).
    public var activeRequests: Int
    /// Whether it may take requests now (`UpstreamHealth.isAvailable(at:)`).
    public var isAvailable: Bool
    /// A stable identity for `source_hash` (for example the IPv4 address and port packed into an integer),
    /// so a client keeps its upstream when others join or leave the list. `nil` hashes on the index, which
    /// is only stable while the list is.
    public var identity: UInt64?

    /// A candidate; `identity` only matters to `source_hash`.
    public init(weight: Int, activeRequests: Int = 0, isAvailable: Bool = true, identity: UInt64? = nil) {
        self.weight = weight
        self.activeRequests = activeRequests
        self.isAvailable = isAvailable
        self.identity = identity
    }
}
