import Core

/// Keeps a loop from waiting on a store that is down: closed (calls go through) -> open after
/// `failureThreshold` consecutive failed calls (calls fail at once, 503 with `Retry-After`) -> half-open
/// once `coolDown` has passed (one probe call goes through, the others still fail at once) -> closed when
/// the probe succeeds, open for another cool-down when it fails.
///
/// Consecutive failures rather than a failure ratio: a loop's calls share one connection, so when the
/// store is down they fail together and a short run of failures is the whole signal; a ratio would need a
/// window of calls (state, a choice of window) to say the same thing later. Only transport failures count
/// (no connection, a timeout, a dropped connection): an error reply means the store answered.
///
/// A value owned by the gateway on its loop thread; every event takes the loop's clock, so tests drive it
/// with made-up instants. `admit` on a closed circuit is one switch: it sits on every store call.
struct CircuitBreaker: Sendable, Equatable {
    /// Where the circuit is.
    enum State: Sendable, Equatable {
        /// Calls go through; `failures` consecutive ones have failed so far.
        case closed(failures: Int)
        /// Calls fail at once until `until`.
        case open(until: Instant)
        /// One probe call may go through (`isProbing` once it has).
        case halfOpen(isProbing: Bool)
    }

    /// What `admit` decided for one call.
    enum Decision: Sendable, Equatable {
        /// Make the call, then report `recordSuccess` or `recordFailure`.
        case proceed
        /// The same, as the half-open circuit's one probe (the state just changed kind).
        case probe
        /// Fail the call at once; the client may retry after this many seconds.
        case refuse(retryAfterSeconds: Int)
    }

    /// Consecutive failures that open the circuit.
    let failureThreshold: Int
    /// How long the circuit stays open before it lets a probe through.
    let coolDown: TimeAmount
    /// The current state.
    private(set) var state: State = .closed(failures: 0)

    /// A closed circuit that opens after `failureThreshold` consecutive failures for `coolDown`.
    init(failureThreshold: Int = 3, coolDown: TimeAmount = .seconds(1 as Int64)) {
        precondition(failureThreshold > 0, "a circuit breaker opens after at least one failure")
        self.failureThreshold = failureThreshold
        self.coolDown = coolDown
    }

    /// The state as the `shop_store_circuit_state` gauge shows it: 0 closed, 1 open, 2 half-open.
    var gaugeValue: Double {
        switch state {
        case .closed: return 0
        case .open: return 1
        case .halfOpen: return 2
        }
    }

    /// Whether a call made at `now` may go to the store. An open circuit whose cool-down has passed turns
    /// half-open and admits this call as its probe.
    mutating func admit(now: Instant) -> Decision {
        switch state {
        case .closed:
            return .proceed
        case .open(let until):
            guard now >= until else { return .refuse(retryAfterSeconds: CircuitBreaker.seconds(until - now)) }
            state = .halfOpen(isProbing: true)
            return .probe
        case .halfOpen(let isProbing):
            // The probe decides within a store timeout; asking again in a second is about right.
            guard !isProbing else { return .refuse(retryAfterSeconds: 1) }
            state = .halfOpen(isProbing: true)
            return .probe
        }
    }

    /// A call went through (the store answered, even with an error reply): the circuit closes. Returns
    /// whether the state changed kind (the gauge needs setting).
    @discardableResult
    mutating func recordSuccess() -> Bool {
        switch state {
        case .closed(let failures):
            if failures != 0 { state = .closed(failures: 0) }
            return false
        case .open, .halfOpen:
            // An answer, even to a call admitted before the circuit opened, shows the store is back.
            state = .closed(failures: 0)
            return true
        }
    }

    /// A call failed at `now` for want of the store. Returns whether the state changed kind.
    @discardableResult
    mutating func recordFailure(now: Instant) -> Bool {
        switch state {
        case .closed(let failures):
            guard failures + 1 >= failureThreshold else {
                state = .closed(failures: failures + 1)
                return false
            }
            state = .open(until: now + coolDown)
            return true
        case .open:
            // Calls admitted before the circuit opened, failing late: the cool-down already runs.
            return false
        case .halfOpen:
            state = .open(until: now + coolDown)
            return true
        }
    }

    /// The `Retry-After` for a call refused at `now` (whole seconds, at least 1).
    func retryAfterSeconds(now: Instant) -> Int {
        switch state {
        case .closed, .halfOpen: return 1
        case .open(let until): return CircuitBreaker.seconds(until - now)
        }
    }

    /// `amount` in whole seconds, rounded up, at least 1 (`Retry-After: 0` would invite a busy loop).
    private static func seconds(_ amount: TimeAmount) -> Int {
        max(1, Int((amount.nanoseconds + 999_999_999) / 1_000_000_000))
    }
}
