import Testing

@testable import Balancer

@Suite struct BalancingAlgorithmTests {
    @Test func namesAreTheConfigurationSpellings() {
        #expect(BalancingAlgorithm(rawValue: "least_connections") == .leastConnections)
        #expect(BalancingAlgorithm.allCases.count == 4)
    }
}
