// TEMPORARY: stand-ins for the Policy/ types being written on the `policy` branch; removed at its merge.
import Core
import HTTP

struct UpstreamCandidate {
    var weight: Int
    var activeRequests: Int
    var isAvailable: Bool
}

struct UpstreamSelector {
    private var next = 0
    init(algorithm: BalancingAlgorithm, seed: UInt64) {}
    mutating func select(from candidates: [UpstreamCandidate], clientKey: UInt64, excluding tried: [Int]) -> Int? {
        guard !candidates.isEmpty else { return nil }
        for step in 0..<candidates.count {
            let index = (next + step) % candidates.count
            if candidates[index].isAvailable && !tried.contains(index) {
                next = index + 1
                return index
            }
        }
        return nil
    }
}

/// nginx's passive health: `maxFails` failures within `failTimeout` take the upstream out for `failTimeout`.
struct PassiveHealth {
    let maxFails: Int
    let failTimeout: TimeAmount
    private var failures = 0
    private var windowStart = Instant(nanoseconds: 0)
    private var downUntil: Instant?

    init(maxFails: Int, failTimeout: TimeAmount) {
        self.maxFails = maxFails
        self.failTimeout = failTimeout
    }

    func isAvailable(at now: Instant) -> Bool {
        guard let downUntil else { return true }
        return now >= downUntil
    }

    mutating func recordFailure(at now: Instant) {
        guard maxFails > 0 else { return }
        if now - windowStart > failTimeout {
            windowStart = now
            failures = 0
        }
        failures += 1
        if failures >= maxFails {
            downUntil = now + failTimeout
            failures = 0
        }
    }

    mutating func recordSuccess(at now: Instant) {
        if downUntil != nil, isAvailable(at: now) { downUntil = nil }
    }
}

struct ClientRateLimiter {
    init(ratePerSecond: Double, burst: Double) {}
    mutating func admit(client: UInt32, at now: Instant) -> TimeAmount? { nil }
    mutating func sweep(at now: Instant) {}
}

/// HAProxy's active checks: `fall` failures in a row take an upstream down, `rise` passes bring it back;
/// a new upstream is up at its first pass.
struct ActiveHealth {
    let rise: Int
    let fall: Int
    private(set) var isUp = false
    private(set) var hasPassed = false
    private(set) var consecutivePasses = 0
    private(set) var consecutiveFailures = 0

    init(rise: Int, fall: Int) {
        self.rise = rise
        self.fall = fall
    }

    /// Records a check; returns the new state when it changed.
    mutating func record(passed: Bool) -> Bool? {
        if passed {
            consecutivePasses += 1
            consecutiveFailures = 0
            if !isUp && (!hasPassed || consecutivePasses >= rise) {
                hasPassed = true
                isUp = true
                return true
            }
            hasPassed = true
        } else {
            consecutiveFailures += 1
            consecutivePasses = 0
            if isUp && consecutiveFailures >= fall {
                isUp = false
                return false
            }
        }
        return nil
    }
}
