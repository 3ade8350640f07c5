import Core
import Testing

@testable import Balancer

@Suite struct TokenBucketTests {
    private let start = Instant(nanoseconds: 5_000_000_000)

    @Test("a new bucket admits a burst, then refuses with the time until the next token")
    func burstThenRefuse() {
        var bucket = TokenBucket(rate: 10, burst: 5)
        for _ in 0..<5 { #expect(bucket.admit(at: start) == nil) }
        #expect(bucket.admit(at: start) == .milliseconds(100))
        #expect(bucket.admit(at: start + .milliseconds(40)) == .milliseconds(60))
    }

    @Test("tokens come back at the rate")
    func refillsAtRate() {
        var bucket = TokenBucket(rate: 10, burst: 1)
        #expect(bucket.admit(at: start) == nil)
        #expect(bucket.admit(at: start + .milliseconds(99)) == .milliseconds(1))
        #expect(bucket.admit(at: start + .milliseconds(100)) == nil)
        #expect(bucket.admit(at: start + .milliseconds(150)) == .milliseconds(50))
    }

    @Test("refused requests take no token")
    func refusalsAreFree() {
        var bucket = TokenBucket(rate: 1, burst: 1)
        #expect(bucket.admit(at: start) == nil)
        for step in 1..<10 { #expect(bucket.admit(at: start + .milliseconds(Int64(step) * 100)) != nil) }
        #expect(bucket.admit(at: start + .seconds(1 as Int64)) == nil)
    }

    @Test("an idle bucket saves up no more than burst")
    func burstCaps() {
        var bucket = TokenBucket(rate: 100, burst: 3)
        _ = bucket.admit(at: start)
        let later = start + .seconds(60 as Int64)
        #expect(bucket.isFull(at: later))
        for _ in 0..<3 { #expect(bucket.admit(at: later) == nil) }
        #expect(bucket.admit(at: later) == .milliseconds(10))
        #expect(!bucket.isFull(at: later))
    }

    @Test("fractional rates: one request every two seconds")
    func fractionalRate() {
        var bucket = TokenBucket(rate: 0.5, burst: 1)
        #expect(bucket.admit(at: start) == nil)
        #expect(bucket.admit(at: start) == .seconds(2 as Int64))
    }
}

@Suite struct ClientRateLimiterTests {
    private let start = Instant(nanoseconds: 5_000_000_000)

    @Test("each client has its own bucket")
    func perClient() {
        var limiter = ClientRateLimiter(rate: 1, burst: 2)
        #expect(limiter.admit(client: 1, at: start) == nil)
        #expect(limiter.admit(client: 1, at: start) == nil)
        #expect(limiter.admit(client: 1, at: start) == .seconds(1 as Int64))
        #expect(limiter.admit(client: 2, at: start) == nil)
        #expect(limiter.trackedClients == 2)
    }

    @Test("a full table drops idle clients before taking a new one")
    func evictsIdleFirst() {
        var limiter = ClientRateLimiter(rate: 1, burst: 5, capacity: 3)
        _ = limiter.admit(client: 1, at: start)
        _ = limiter.admit(client: 2, at: start)
        for _ in 0..<5 { _ = limiter.admit(client: 3, at: start + .seconds(2 as Int64)) }
        // At 3s clients 1 and 2 have refilled; client 3 (5 tokens taken at 2s) has not.
        #expect(limiter.admit(client: 4, at: start + .seconds(3 as Int64)) == nil)
        #expect(limiter.trackedClients == 2)
        #expect(limiter.admit(client: 3, at: start + .seconds(3 as Int64)) == nil)  // one token back
        #expect(limiter.admit(client: 3, at: start + .seconds(3 as Int64)) != nil)  // still remembered
    }

    @Test("a flood of addresses never grows the table beyond capacity")
    func floodIsBounded() {
        var limiter = ClientRateLimiter(rate: 1, burst: 1, capacity: 1_000)
        for client in UInt32(0)..<50_000 {
            let now = start + .microseconds(Int64(client))  // all within one second: nothing refills
            #expect(limiter.admit(client: client, at: now) == nil)
            #expect(limiter.trackedClients <= 1_000)
        }
        #expect(limiter.trackedClients == 1_000)
    }

    @Test("removeIdle gives memory back once buckets refill")
    func removeIdle() {
        var limiter = ClientRateLimiter(rate: 2, burst: 2)
        for client in UInt32(0)..<100 { _ = limiter.admit(client: client, at: start) }
        limiter.removeIdle(at: start + .milliseconds(400))
        #expect(limiter.trackedClients == 100)
        limiter.removeIdle(at: start + .milliseconds(500))
        #expect(limiter.trackedClients == 0)
    }
}

@Suite struct TokenBucketLimitsTests {
    @Test("extreme rates and bursts neither trap nor overflow")
    func extremes() {
        let now = Instant(nanoseconds: 1_000_000_000)
        var slow = TokenBucket(rate: 1e-12, burst: 1_000_000)
        #expect(slow.emissionInterval == .seconds(86_400 as Int64))
        #expect(slow.admit(at: now) == nil)
        var fast = TokenBucket(rate: 1e12, burst: 1)
        #expect(fast.emissionInterval == .nanoseconds(1))
        #expect(fast.admit(at: now) == nil)
        #expect(fast.admit(at: now) == .nanoseconds(1))
    }
}
