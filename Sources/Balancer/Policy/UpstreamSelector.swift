#if canImport(Glibc)
    import Glibc
#endif

/// Picks the upstream for a request by one `BalancingAlgorithm`: a value owned by one event loop.
///
/// Confined to its owner (one per loop); `select` never allocates once the candidate count is stable:
/// no sets, no sorting, only scans over `candidates` (tens of entries) and the usually empty `tried`.
public struct UpstreamSelector: Sendable {
    /// The algorithm this selector applies.
    public let algorithm: BalancingAlgorithm
    /// Smooth weighted round-robin's running weights, one per candidate index (nginx's `current_weight`).
    private var currentWeights: [Int] = []
    /// Random choices for `power_of_two`.
    private var generator: SplitMix64

    /// A selector for `algorithm`; `seed` fixes the random sequence (give each loop a different one).
    public init(algorithm: BalancingAlgorithm, seed: UInt64) {
        self.algorithm = algorithm
        self.generator = SplitMix64(seed: seed)
    }

    /// The index in `candidates` of the upstream to try, or `nil` when every candidate is unavailable
    /// or in `tried`.
    ///
    /// - Parameters:
    ///   - candidates: the upstreams in a stable order; when their count changes the round-robin state
    ///     starts over.
    ///   - clientKey: the client's identity for `source_hash` (its IPv4 address); ignored otherwise.
    ///   - tried: indices already attempted for this request (retries), skipped.
    public mutating func select(
        from candidates: [UpstreamCandidate], clientKey: UInt64, excluding tried: [Int]
    )
        -> Int?
    {
        if currentWeights.count != candidates.count {
            // A different list: old running weights belong to other upstreams, so start fresh.
            currentWeights = [Int](repeating: 0, count: candidates.count)
        }
        switch algorithm {
        case .roundRobin:
            return smoothWeightedPick(candidates) { Self.isEligible(candidates, $0, tried) }
        case .leastConnections:
            return leastLoadedPick(candidates, tried)
        case .sourceHash:
            return Self.rendezvousPick(candidates, clientKey: clientKey, tried)
        case .powerOfTwo:
            return twoChoicesPick(candidates, tried)
        }
    }

    // MARK: - Algorithms

    /// nginx's smooth weighted round-robin over the candidates `isEligible` accepts: every eligible one
    /// gains its weight, the highest wins and pays back the total. Over any window of `sum(weights)` picks
    /// each gets exactly its weight's share, interleaved (5,1,1 gives a a b a c a a, not a a a a a b c).
    private mutating func smoothWeightedPick(_ candidates: [UpstreamCandidate], isEligible: (Int) -> Bool) -> Int? {
        var best: Int? = nil
        var total = 0
        for index in candidates.indices where isEligible(index) {
            let weight = Self.weight(candidates[index])
            currentWeights[index] += weight
            total += weight
            if best == nil || currentWeights[index] > currentWeights[best!] { best = index }
        }
        if let best { currentWeights[best] -= total }
        return best
    }

    /// The eligible candidate with the fewest requests in flight per unit of weight; ties (all idle, say)
    /// go round-robin by weight, as nginx's `least_conn` does, so equal load spreads instead of piling
    /// onto the first.
    private mutating func leastLoadedPick(_ candidates: [UpstreamCandidate], _ tried: [Int]) -> Int? {
        var least: Int? = nil
        for index in candidates.indices where Self.isEligible(candidates, index, tried) {
            if least == nil || Self.isLessLoaded(candidates[index], than: candidates[least!]) { least = index }
        }
        guard let least else { return nil }
        let floor = candidates[least]
        return smoothWeightedPick(candidates) { index in
            Self.isEligible(candidates, index, tried) && !Self.isLessLoaded(floor, than: candidates[index])
        }
    }

    /// Weighted rendezvous (highest random weight) hashing: each (client, upstream) pair gets a score and
    /// the best eligible one wins. A client keeps its upstream while that upstream is available; when it
    /// is not, the client moves to its next-best, and only the clients of a changed upstream move.
    private static func rendezvousPick(
        _ candidates: [UpstreamCandidate], clientKey: UInt64, _ tried: [Int]
    )
        -> Int?
    {
        var best: Int? = nil
        var bestScore = -Double.infinity
        for index in candidates.indices where isEligible(candidates, index, tried) {
            let identity = candidates[index].identity ?? UInt64(index)
            let hash = SplitMix64.mix(clientKey &* 0x9E37_79B9_7F4A_7C15 ^ SplitMix64.mix(identity))
            // A uniform value in (0, 1); weight / -ln(u) makes each upstream win in proportion to its weight.
            let uniform = (Double(hash >> 11) + 0.5) / 9_007_199_254_740_992
            let score = Double(weight(candidates[index])) / -log(uniform)
            if score > bestScore {
                best = index
                bestScore = score
            }
        }
        return best
    }

    /// Mitzenmacher's power of two choices: two distinct eligible candidates drawn at random in proportion
    /// to weight; the less loaded one wins (the first drawn on a tie, so idle upstreams share by weight).
    private mutating func twoChoicesPick(_ candidates: [UpstreamCandidate], _ tried: [Int]) -> Int? {
        var totalWeight = 0
        for index in candidates.indices where Self.isEligible(candidates, index, tried) {
            totalWeight += Self.weight(candidates[index])
        }
        guard totalWeight > 0 else { return nil }
        let first = weightedDraw(candidates, tried, totalWeight: totalWeight, skipping: nil)
        let remaining = totalWeight - Self.weight(candidates[first])
        guard remaining > 0 else { return first }
        let second = weightedDraw(candidates, tried, totalWeight: remaining, skipping: first)
        return Self.isLessLoaded(candidates[second], than: candidates[first]) ? second : first
    }

    /// An eligible index other than `skipped`, drawn with probability weight / `totalWeight`.
    private mutating func weightedDraw(
        _ candidates: [UpstreamCandidate], _ tried: [Int], totalWeight: Int, skipping skipped: Int?
    ) -> Int {
        var ticket = Int.random(in: 0..<totalWeight, using: &generator)
        var last = 0
        for index in candidates.indices where index != skipped && Self.isEligible(candidates, index, tried) {
            ticket -= Self.weight(candidates[index])
            if ticket < 0 { return index }
            last = index
        }
        return last
    }

    // MARK: - Helpers

    private static func isEligible(_ candidates: [UpstreamCandidate], _ index: Int, _ tried: [Int]) -> Bool {
        candidates[index].isAvailable && !tried.contains(index)
    }

    /// Weights come validated (1...256); a zero or negative one from a careless caller counts as 1 rather
    /// than starving the upstream or breaking the arithmetic.
    private static func weight(_ candidate: UpstreamCandidate) -> Int { max(1, candidate.weight) }

    /// Whether `a` has fewer requests per unit of weight than `b`, compared without division.
    private static func isLessLoaded(_ a: UpstreamCandidate, than b: UpstreamCandidate) -> Bool {
        a.activeRequests * weight(b) < b.activeRequests * weight(a)
    }
}
