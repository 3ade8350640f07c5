/// How the balancer picks an upstream for a request.
public enum BalancingAlgorithm: String, Sendable, CaseIterable {
    /// Smooth weighted round-robin (nginx's): over any window, each upstream gets its weight's share, spread out.
    case roundRobin = "round_robin"
    /// The available upstream with the fewest requests in flight relative to its weight.
    case leastConnections = "least_connections"
    /// The client's IP address hashed onto the upstreams: the same client keeps its upstream while it is up.
    case sourceHash = "source_hash"
    /// Two random available upstreams, the less loaded one wins (Mitzenmacher's power of two choices).
    case powerOfTwo = "power_of_two"
}
