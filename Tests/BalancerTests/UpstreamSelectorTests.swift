import Testing

@testable import Balancer

@Suite struct UpstreamSelectorTests {
    /// How many times each index is picked over `picks` selections with fixed candidates.
    private func counts(
        _ algorithm: BalancingAlgorithm, _ candidates: [UpstreamCandidate], picks: Int = 10_000,
        tried: [Int] = [], clientKey: (Int) -> UInt64 = { _ in 0 }
    ) -> [Int] {
        var selector = UpstreamSelector(algorithm: algorithm, seed: 42)
        var result = [Int](repeating: 0, count: candidates.count)
        for pick in 0..<picks {
            if let index = selector.select(from: candidates, clientKey: clientKey(pick), excluding: tried) {
                result[index] += 1
            }
        }
        return result
    }

    private let weighted = [
        UpstreamCandidate(weight: 5), UpstreamCandidate(weight: 3), UpstreamCandidate(weight: 2),
    ]

    @Test("round-robin gives each upstream exactly its weight's share")
    func roundRobinMatchesWeights() {
        #expect(counts(.roundRobin, weighted) == [5_000, 3_000, 2_000])
    }

    @Test("smooth round-robin interleaves instead of sending bursts")
    func roundRobinIsSmooth() {
        var selector = UpstreamSelector(algorithm: .roundRobin, seed: 1)
        let candidates = [UpstreamCandidate(weight: 5), UpstreamCandidate(weight: 1), UpstreamCandidate(weight: 1)]
        let picks = (0..<7).map { _ in selector.select(from: candidates, clientKey: 0, excluding: [])! }
        #expect(picks == [0, 0, 1, 0, 2, 0, 0])
    }

    @Test("round-robin with equal weights alternates", arguments: [2, 3, 5])
    func roundRobinAlternates(count: Int) {
        var selector = UpstreamSelector(algorithm: .roundRobin, seed: 1)
        let candidates = [UpstreamCandidate](repeating: UpstreamCandidate(weight: 1), count: count)
        let picks = (0..<(2 * count)).map { _ in selector.select(from: candidates, clientKey: 0, excluding: [])! }
        #expect(picks == Array(0..<count) + Array(0..<count))
    }

    @Test("a change in the number of candidates starts round-robin over")
    func roundRobinResetsOnNewList() {
        var selector = UpstreamSelector(algorithm: .roundRobin, seed: 1)
        let two = [UpstreamCandidate(weight: 1), UpstreamCandidate(weight: 1)]
        #expect(selector.select(from: two, clientKey: 0, excluding: []) == 0)
        let three = two + [UpstreamCandidate(weight: 1)]
        #expect(selector.select(from: three, clientKey: 0, excluding: []) == 0)
        #expect(selector.select(from: three, clientKey: 0, excluding: []) == 1)
    }

    @Test("power of two, idle, spreads by weight within 3%")
    func powerOfTwoMatchesWeights() {
        let result = counts(.powerOfTwo, weighted)
        for (count, expected) in zip(result, [5_000, 3_000, 2_000]) { #expect(abs(count - expected) < 300) }
    }

    @Test("power of two prefers the less loaded of its two draws")
    func powerOfTwoAvoidsLoad() {
        let candidates = [
            UpstreamCandidate(weight: 1, activeRequests: 50), UpstreamCandidate(weight: 1, activeRequests: 0),
        ]
        #expect(counts(.powerOfTwo, candidates) == [0, 10_000])
    }

    @Test("least connections, idle, spreads by weight")
    func leastConnectionsIdleMatchesWeights() {
        #expect(counts(.leastConnections, weighted) == [5_000, 3_000, 2_000])
    }

    @Test("least connections picks the fewest requests per unit of weight")
    func leastConnectionsPicksLeastLoaded() {
        var selector = UpstreamSelector(algorithm: .leastConnections, seed: 1)
        let candidates = [
            UpstreamCandidate(weight: 1, activeRequests: 3), UpstreamCandidate(weight: 1, activeRequests: 1),
            UpstreamCandidate(weight: 4, activeRequests: 6),  // 1.5 per unit of weight
        ]
        #expect(selector.select(from: candidates, clientKey: 0, excluding: []) == 1)
        var busier = candidates
        busier[1].activeRequests = 2  // 2 per unit: now the weight-4 upstream is least loaded
        #expect(selector.select(from: busier, clientKey: 0, excluding: []) == 2)
    }

    @Test("least connections spreads equal load round-robin")
    func leastConnectionsSpreadsTies() {
        var selector = UpstreamSelector(algorithm: .leastConnections, seed: 1)
        let candidates = [
            UpstreamCandidate(weight: 1, activeRequests: 2), UpstreamCandidate(weight: 1, activeRequests: 2),
            UpstreamCandidate(weight: 1, activeRequests: 2),
        ]
        let picks = (0..<6).map { _ in selector.select(from: candidates, clientKey: 0, excluding: [])! }
        #expect(picks == [0, 1, 2, 0, 1, 2])
    }

    @Test("every algorithm skips unavailable and tried upstreams", arguments: BalancingAlgorithm.allCases)
    func skipsUnavailableAndTried(algorithm: BalancingAlgorithm) {
        var candidates = [UpstreamCandidate](repeating: UpstreamCandidate(weight: 1), count: 4)
        candidates[1].isAvailable = false
        let result = counts(algorithm, candidates, picks: 1_000, tried: [0, 3], clientKey: { UInt64($0) })
        #expect(result == [0, 0, 1_000, 0])
    }

    @Test("every algorithm answers nil when nothing is left", arguments: BalancingAlgorithm.allCases)
    func nilWhenNoneLeft(algorithm: BalancingAlgorithm) {
        var selector = UpstreamSelector(algorithm: algorithm, seed: 7)
        var candidates = [UpstreamCandidate(weight: 1), UpstreamCandidate(weight: 2)]
        #expect(selector.select(from: [], clientKey: 1, excluding: []) == nil)
        #expect(selector.select(from: candidates, clientKey: 1, excluding: [0, 1]) == nil)
        candidates[0].isAvailable = false
        #expect(selector.select(from: candidates, clientKey: 1, excluding: [1]) == nil)
    }

    @Test("source hash keeps a client on its upstream")
    func sourceHashIsStable() {
        var selector = UpstreamSelector(algorithm: .sourceHash, seed: 1)
        let candidates = [UpstreamCandidate](repeating: UpstreamCandidate(weight: 1), count: 5)
        for client: UInt64 in [0x7F00_0001, 0x7F00_0002, 0x0A00_0005] {
            let first = selector.select(from: candidates, clientKey: client, excluding: [])
            for _ in 0..<20 { #expect(selector.select(from: candidates, clientKey: client, excluding: []) == first) }
        }
    }

    @Test("source hash spreads clients by weight within 5%")
    func sourceHashSpreadsClients() {
        let result = counts(.sourceHash, weighted, clientKey: { 0x7F00_0000 + UInt64($0) })
        for (count, expected) in zip(result, [5_000, 3_000, 2_000]) { #expect(abs(count - expected) < 500) }
    }

    @Test("source hash moves only the clients of an unavailable upstream, deterministically")
    func sourceHashMovesOnlyAffectedClients() {
        var selector = UpstreamSelector(algorithm: .sourceHash, seed: 1)
        let all = (0..<4).map { UpstreamCandidate(weight: 1, identity: 1_000 + UInt64($0)) }
        var withoutTwo = all
        withoutTwo[2].isAvailable = false
        for client in UInt64(0)..<500 {
            let before = selector.select(from: all, clientKey: client, excluding: [])!
            let after = selector.select(from: withoutTwo, clientKey: client, excluding: [])!
            if before != 2 { #expect(after == before) } else { #expect(after != 2) }
            #expect(selector.select(from: withoutTwo, clientKey: client, excluding: []) == after)
            // A retry after its upstream failed lands where the client goes once that upstream is down.
            #expect(selector.select(from: all, clientKey: client, excluding: [2]) == after)
        }
    }

    @Test("source hash with identities survives an upstream joining")
    func sourceHashSurvivesJoin() {
        var selector = UpstreamSelector(algorithm: .sourceHash, seed: 1)
        let three = (0..<3).map { UpstreamCandidate(weight: 1, identity: 500 + UInt64($0)) }
        let four = [UpstreamCandidate(weight: 1, identity: 499)] + three  // joins at the front
        var moved = 0
        for client in UInt64(0)..<1_000 {
            let before = selector.select(from: three, clientKey: client, excluding: [])!
            let after = selector.select(from: four, clientKey: client, excluding: [])!
            if after != 0 {
                #expect(after == before + 1)
            } else {
                moved += 1
            }
        }
        #expect(moved > 150 && moved < 350)  // about a quarter move to the newcomer
    }
}
