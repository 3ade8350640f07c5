import Core
import Testing

@testable import ShopAPI

@Suite struct CircuitBreakerTests {
    let start = Instant(nanoseconds: 1_000_000_000_000)

    @Test("a closed circuit admits every call and opens after the threshold of consecutive failures")
    func opens() {
        var breaker = CircuitBreaker(failureThreshold: 3, coolDown: .seconds(2 as Int64))
        #expect(admitting(&breaker, now: start) == .proceed)
        let changed1 = breaker.recordFailure(now: start)
        #expect(!changed1)
        let changed2 = breaker.recordFailure(now: start)
        #expect(!changed2)
        #expect(breaker.gaugeValue == 0)
        let changed3 = breaker.recordFailure(now: start)
        #expect(changed3)
        #expect(breaker.state == .open(until: start + .seconds(2 as Int64)))
        #expect(breaker.gaugeValue == 1)
        #expect(admitting(&breaker, now: start + .milliseconds(500)) == .refuse(retryAfterSeconds: 2))
        #expect(admitting(&breaker, now: start + .milliseconds(1500)) == .refuse(retryAfterSeconds: 1))
    }

    @Test("a success in between resets the count: failures must be consecutive")
    func consecutive() {
        var breaker = CircuitBreaker(failureThreshold: 2)
        breaker.recordFailure(now: start)
        breaker.recordSuccess()
        breaker.recordFailure(now: start)
        #expect(breaker.state == .closed(failures: 1))
    }

    @Test("after the cool-down one probe goes through and the others are refused; its success closes")
    func probeSucceeds() {
        var breaker = CircuitBreaker(failureThreshold: 1, coolDown: .seconds(1 as Int64))
        breaker.recordFailure(now: start)
        let later = start + .seconds(1 as Int64)
        #expect(admitting(&breaker, now: later) == .probe)
        #expect(breaker.state == .halfOpen(isProbing: true) && breaker.gaugeValue == 2)
        #expect(admitting(&breaker, now: later) == .refuse(retryAfterSeconds: 1))
        let changed4 = breaker.recordSuccess()
        #expect(changed4)
        #expect(breaker.state == .closed(failures: 0))
        #expect(admitting(&breaker, now: later) == .proceed)
    }

    @Test("a failed probe opens the circuit for another cool-down")
    func probeFails() {
        var breaker = CircuitBreaker(failureThreshold: 1, coolDown: .seconds(3 as Int64))
        breaker.recordFailure(now: start)
        let later = start + .seconds(4 as Int64)
        #expect(admitting(&breaker, now: later) == .probe)
        let changed5 = breaker.recordFailure(now: later)
        #expect(changed5)
        #expect(breaker.state == .open(until: later + .seconds(3 as Int64)))
        #expect(breaker.retryAfterSeconds(now: later) == 3)
    }

    @Test("late failures of calls admitted before opening do not extend the cool-down")
    func lateFailures() {
        var breaker = CircuitBreaker(failureThreshold: 1, coolDown: .seconds(1 as Int64))
        breaker.recordFailure(now: start)
        let changed6 = breaker.recordFailure(now: start + .milliseconds(900))
        #expect(!changed6)
        #expect(admitting(&breaker, now: start + .seconds(1 as Int64)) == .probe)
    }

    @Test("Retry-After is never 0: a cool-down about to end still says 1")
    func retryAfterAtLeastOne() {
        var breaker = CircuitBreaker(failureThreshold: 1, coolDown: .seconds(1 as Int64))
        breaker.recordFailure(now: start)
        #expect(admitting(&breaker, now: start + .milliseconds(999)) == .refuse(retryAfterSeconds: 1))
    }

    @Test("a 503 from an open circuit carries its Retry-After in the response")
    func response() {
        let response = ShopError.storeCircuitOpen(retryAfter: 4).response
        #expect(response.status.code == 503)
        #expect(response.headers.first(name: "Retry-After") == "4")
    }
}

/// `breaker.admit(now:)` outside `#expect`, which cannot take a mutating call.
private func admitting(_ breaker: inout CircuitBreaker, now: Instant) -> CircuitBreaker.Decision {
    breaker.admit(now: now)
}
