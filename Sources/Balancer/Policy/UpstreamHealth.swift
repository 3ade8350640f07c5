import Core

/// One upstream's health: active checks (HAProxy's rise/fall) and passive request failures (nginx's
/// `max_fails`/`fail_timeout`), as a value with the clock passed in. Owned by whoever runs the checks; the
/// proxy asks `isAvailable(at:)` before each pick.
///
/// Initial state: with checks enabled a new upstream is `starting` and takes no traffic until its first
/// check passes (one pass, not `rise`), so a new instance serves within one check interval of being
/// healthy while a broken one never sees a request. HAProxy instead starts servers up and lets the
/// checks take them down, which sends early requests to instances that are still booting. With checks
/// disabled an upstream is `up` from the start and only passive failures take it out.
///
/// Active: `fall` failed checks in a row take an upstream down (from `starting` too, so the status page
/// shows a broken new instance as down), `rise` passed checks in a row bring it back up.
///
/// Passive: `maxFails` failed requests within `failTimeout` of the first of them eject the upstream for
/// `failTimeout`; afterwards it takes requests again on probation: the next failure ejects it again at
/// once, the next success readmits it fully. Successes do not forgive failures inside a window, so an
/// upstream failing half its requests is still ejected. `maxFails` 0 disables passive ejection.
public struct UpstreamHealth: Sendable {
    /// Whether active checks run; without them the upstream starts `up`.
    public let checksEnabled: Bool
    /// Passed checks in a row that bring a `down` upstream back.
    public let rise: Int
    /// Failed checks in a row that take an upstream down.
    public let fall: Int
    /// Failed requests within `failTimeout` that eject the upstream; 0 never ejects.
    public let maxFails: Int
    /// The passive counting window and the ejection's length.
    public let failTimeout: TimeAmount

    /// The current state; `status` alone does not say whether it is ejected (see `isAvailable(at:)`).
    public private(set) var state: UpstreamHealthState
    /// When the current passive counting window began.
    private var windowStart: Instant = .distantPast

    /// A new upstream seen at `now`: `starting` with checks enabled, `up` without.
    public init(checksEnabled: Bool, rise: Int, fall: Int, maxFails: Int, failTimeout: TimeAmount, now: Instant) {
        precondition(rise >= 1 && fall >= 1 && maxFails >= 0 && failTimeout > .zero, "invalid health settings")
        self.checksEnabled = checksEnabled
        self.rise = rise
        self.fall = fall
        self.maxFails = maxFails
        self.failTimeout = failTimeout
        state = UpstreamHealthState(
            status: checksEnabled ? .starting : .up,
            reason: checksEnabled ? "waiting for the first check" : "health checks disabled",
            consecutiveSuccesses: 0, consecutiveFailures: 0, recentRequestFailures: 0, ejectedUntil: nil,
            lastChange: now)
    }

    /// Whether the proxy may send it a request at `now`: up, and not inside a passive ejection.
    public func isAvailable(at now: Instant) -> Bool {
        guard state.status == .up else { return false }
        guard let until = state.ejectedUntil else { return true }
        return now >= until
    }

    // MARK: - Active checks

    /// The outcome of one active check completed at `now`; returns the change it caused, if any.
    public mutating func recordCheck(passed: Bool, at now: Instant) -> HealthTransition? {
        if passed {
            state.consecutiveSuccesses += 1
            state.consecutiveFailures = 0
        } else {
            state.consecutiveFailures += 1
            state.consecutiveSuccesses = 0
        }
        switch (state.status, passed) {
        case (.starting, true):
            return comeUp("first check passed", at: now)
        case (.down, true):
            guard state.consecutiveSuccesses >= rise else { return nil }
            return comeUp("\(Self.count(rise, "check")) passed in a row", at: now)
        case (.up, true), (.down, false):
            return nil
        case (.starting, false), (.up, false):
            guard state.consecutiveFailures >= fall else { return nil }
            let reason = "\(Self.count(fall, "check")) failed in a row"
            state.status = .down
            state.reason = reason
            state.lastChange = now
            return .wentDown(reason: reason)
        }
    }

    private mutating func comeUp(_ reason: String, at now: Instant) -> HealthTransition {
        // The checks vouch for it now: earlier request failures belong to the instance it was before.
        state.status = .up
        state.reason = reason
        state.lastChange = now
        state.ejectedUntil = nil
        state.recentRequestFailures = 0
        return .cameUp(reason: reason)
    }

    // MARK: - Passive failures

    /// A request to this upstream failed at `now` (connect error, reset, timeout, 502-504); returns
    /// `.ejected` when this failure ejects it.
    public mutating func recordFailure(at now: Instant) -> HealthTransition? {
        guard maxFails > 0 else { return nil }
        if let until = state.ejectedUntil {
            // Still ejected: a request sent before the ejection failing proves nothing new.
            guard now >= until else { return nil }
            return eject("a request failed on probation after an ejection", at: now)
        }
        if state.recentRequestFailures == 0 || now - windowStart >= failTimeout {
            windowStart = now
            state.recentRequestFailures = 0
        }
        state.recentRequestFailures += 1
        guard state.recentRequestFailures >= maxFails else { return nil }
        return eject("\(Self.count(maxFails, "request")) failed within \(failTimeout)", at: now)
    }

    private mutating func eject(_ reason: String, at now: Instant) -> HealthTransition {
        let until = now + failTimeout
        state.ejectedUntil = until
        state.reason = reason
        state.lastChange = now
        return .ejected(until: until, reason: reason)
    }

    /// A request to this upstream succeeded at `now`; returns `.readmitted` when it ends a probation.
    @discardableResult
    public mutating func recordSuccess(at now: Instant) -> HealthTransition? {
        // During the ejection itself a success is a request sent before it: it does not readmit.
        guard let until = state.ejectedUntil, now >= until else { return nil }
        state.ejectedUntil = nil
        state.recentRequestFailures = 0
        state.reason = "a request succeeded after an ejection"
        state.lastChange = now
        return .readmitted
    }

    private static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
