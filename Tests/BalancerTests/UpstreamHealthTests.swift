import Core
import Testing

@testable import Balancer

@Suite struct UpstreamHealthTests {
    private let start = Instant(nanoseconds: 1_000_000_000_000)

    private func at(_ seconds: Double) -> Instant { start + .seconds(seconds) }

    private func health(checks: Bool = true, rise: Int = 2, fall: Int = 3, maxFails: Int = 3) -> UpstreamHealth {
        UpstreamHealth(
            checksEnabled: checks, rise: rise, fall: fall, maxFails: maxFails, failTimeout: .seconds(10 as Int64),
            now: start)
    }

    // MARK: - Initial state

    @Test("with checks enabled a new upstream waits for its first check")
    func startsWaitingForFirstCheck() {
        let health = health()
        #expect(health.state.status == .starting)
        #expect(!health.isAvailable(at: start))
        #expect(health.state.lastChange == start)
    }

    @Test("with checks disabled a new upstream takes traffic at once")
    func startsUpWithoutChecks() {
        let health = health(checks: false)
        #expect(health.state.status == .up)
        #expect(health.isAvailable(at: start))
    }

    // MARK: - Active checks

    @Test("starting goes up on the first passed check, not after rise")
    func startingToUp() {
        var health = health(rise: 5)
        #expect(health.recordCheck(passed: true, at: at(1)) == .cameUp(reason: "first check passed"))
        #expect(health.isAvailable(at: at(1)))
        #expect(health.state.lastChange == at(1))
    }

    @Test("starting goes down after fall failed checks and stays starting before")
    func startingToDown() {
        var health = health(fall: 2)
        #expect(health.recordCheck(passed: false, at: at(1)) == nil)
        #expect(health.state.status == .starting)
        #expect(health.recordCheck(passed: false, at: at(2)) == .wentDown(reason: "2 checks failed in a row"))
        #expect(health.state.status == .down)
    }

    @Test("up goes down after fall failed checks in a row; a pass in between resets the count")
    func upToDown() {
        var health = health(fall: 3)
        _ = health.recordCheck(passed: true, at: at(1))
        #expect(health.recordCheck(passed: false, at: at(2)) == nil)
        #expect(health.recordCheck(passed: false, at: at(3)) == nil)
        #expect(health.recordCheck(passed: true, at: at(4)) == nil)
        #expect(health.state.consecutiveFailures == 0)
        #expect(health.recordCheck(passed: false, at: at(5)) == nil)
        #expect(health.recordCheck(passed: false, at: at(6)) == nil)
        #expect(health.isAvailable(at: at(6)))
        #expect(health.state.consecutiveFailures == 2)
        #expect(health.recordCheck(passed: false, at: at(7)) == .wentDown(reason: "3 checks failed in a row"))
        #expect(!health.isAvailable(at: at(7)))
        #expect(health.state.lastChange == at(7))
    }

    @Test("down comes up after rise passed checks in a row; a failure in between resets the count")
    func downToUp() {
        var health = health(rise: 2, fall: 1)
        _ = health.recordCheck(passed: false, at: at(1))
        #expect(health.state.status == .down)
        #expect(health.recordCheck(passed: true, at: at(2)) == nil)
        #expect(health.recordCheck(passed: false, at: at(3)) == nil)
        #expect(health.recordCheck(passed: true, at: at(4)) == nil)
        #expect(health.state.consecutiveSuccesses == 1)
        #expect(health.recordCheck(passed: true, at: at(5)) == .cameUp(reason: "2 checks passed in a row"))
        #expect(health.isAvailable(at: at(5)))
    }

    @Test("up stays up on passes and down stays down on failures, without transitions")
    func noTransitionsWithinAState() {
        var health = health(fall: 1)
        _ = health.recordCheck(passed: true, at: at(1))
        for second in 2..<5 { #expect(health.recordCheck(passed: true, at: at(Double(second))) == nil) }
        _ = health.recordCheck(passed: false, at: at(5))
        for second in 6..<9 { #expect(health.recordCheck(passed: false, at: at(Double(second))) == nil) }
        #expect(health.state.consecutiveFailures == 4)
        #expect(health.state.lastChange == at(5))
    }

    // MARK: - Passive failures

    @Test("max_fails failures within fail_timeout eject for fail_timeout")
    func passiveEjection() {
        var health = health(checks: false)
        #expect(health.recordFailure(at: at(1)) == nil)
        #expect(health.recordFailure(at: at(2)) == nil)
        #expect(health.state.recentRequestFailures == 2)
        let transition = health.recordFailure(at: at(3))
        #expect(transition == .ejected(until: at(13), reason: "3 requests failed within 10s"))
        #expect(!health.isAvailable(at: at(3)))
        #expect(!health.isAvailable(at: at(12.9)))
        #expect(health.isAvailable(at: at(13)))
        #expect(health.state.status == .up)
    }

    @Test("failures spread wider than fail_timeout do not eject")
    func passiveWindowExpires() {
        var health = health(checks: false)
        #expect(health.recordFailure(at: at(0)) == nil)
        #expect(health.recordFailure(at: at(5)) == nil)
        #expect(health.recordFailure(at: at(11)) == nil)  // a new window began at 11
        #expect(health.state.recentRequestFailures == 1)
        #expect(health.isAvailable(at: at(11)))
    }

    @Test("failures during an ejection do not extend it")
    func failuresWhileEjected() {
        var health = health(checks: false, maxFails: 1)
        _ = health.recordFailure(at: at(1))
        #expect(health.recordFailure(at: at(5)) == nil)
        #expect(health.state.ejectedUntil == at(11))
    }

    @Test("after an ejection one failure ejects again")
    func probationFailure() {
        var health = health(checks: false, maxFails: 3)
        for second in 1...3 { _ = health.recordFailure(at: at(Double(second))) }
        let transition = health.recordFailure(at: at(14))
        #expect(transition == .ejected(until: at(24), reason: "a request failed on probation after an ejection"))
        #expect(!health.isAvailable(at: at(14)))
    }

    @Test("after an ejection one success readmits; a success during it does not")
    func probationSuccess() {
        var health = health(checks: false, maxFails: 1)
        _ = health.recordFailure(at: at(1))
        #expect(health.recordSuccess(at: at(2)) == nil)
        #expect(health.state.ejectedUntil == at(11))
        #expect(health.recordSuccess(at: at(12)) == .readmitted)
        #expect(health.state.ejectedUntil == nil)
        #expect(health.state.recentRequestFailures == 0)
        // Readmitted fully: it takes max_fails failures again to eject.
        #expect(health.recordFailure(at: at(13)) == .ejected(until: at(23), reason: "1 request failed within 10s"))
    }

    @Test("successes outside an ejection change nothing")
    func successWhileHealthy() {
        var health = health(checks: false)
        _ = health.recordFailure(at: at(1))
        #expect(health.recordSuccess(at: at(2)) == nil)
        #expect(health.state.recentRequestFailures == 1)
    }

    @Test("max_fails 0 never ejects")
    func passiveDisabled() {
        var health = health(checks: false, maxFails: 0)
        for second in 0..<100 { #expect(health.recordFailure(at: at(Double(second) / 10)) == nil) }
        #expect(health.isAvailable(at: at(10)))
    }

    @Test("coming up through the checks clears a passive ejection")
    func activeUpClearsEjection() {
        var health = health(rise: 1, fall: 1, maxFails: 1)
        _ = health.recordCheck(passed: true, at: at(0))
        _ = health.recordFailure(at: at(1))
        _ = health.recordCheck(passed: false, at: at(2))
        #expect(health.recordCheck(passed: true, at: at(3)) == .cameUp(reason: "1 check passed in a row"))
        #expect(health.state.ejectedUntil == nil)
        #expect(health.isAvailable(at: at(3)))
    }

    @Test("a down upstream is unavailable even when its ejection is over")
    func downBeatsEjectionExpiry() {
        var health = health(fall: 1, maxFails: 1)
        _ = health.recordCheck(passed: true, at: at(0))
        _ = health.recordFailure(at: at(1))
        _ = health.recordCheck(passed: false, at: at(2))
        #expect(!health.isAvailable(at: at(20)))
    }
}
