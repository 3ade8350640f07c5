import Core

/// A token bucket per client IPv4 address in a table of bounded size, so a flood of addresses cannot
/// grow memory. Confined to its owner (one per event loop, or one behind a lock).
///
/// Only clients whose buckets are not full need remembering (a full bucket is what a new client gets).
/// When the table is at `capacity` and a new client arrives, it first drops every full bucket (at most
/// once a second, so a saturated table does not cost a scan per request); if that frees nothing, it
/// evicts an arbitrary client, which then starts over with a full bucket. Memory stays bounded at the
/// price of leniency towards clients of a flood of more than `capacity` active addresses.
public struct ClientRateLimiter: Sendable {
    /// Most clients remembered at once.
    public let capacity: Int
    /// A full bucket with the configured rate and burst: what each client's state is applied to.
    private let template: TokenBucket
    /// Each remembered client's theoretical arrival time (the `TokenBucket` state).
    private var arrivals: [UInt32: Instant] = [:]
    /// When the table was last swept for full buckets.
    private var lastSweep: Instant = .distantPast

    /// A limiter of `rate` requests a second (fractions allowed) with bursts of `burst` per client,
    /// remembering at most `capacity` clients.
    public init(rate: Double, burst: Int, capacity: Int = 65_536) {
        precondition(capacity >= 1, "a rate limiter remembers at least one client")
        self.capacity = capacity
        template = TokenBucket(rate: rate, burst: burst)
    }

    /// Clients remembered now.
    public var trackedClients: Int { arrivals.count }

    /// Lets a request from `client` through at `now` (`nil`), or says how long until it may retry (for
    /// `Retry-After`, which the caller rounds up to whole seconds).
    public mutating func admit(client: UInt32, at now: Instant) -> TimeAmount? {
        var bucket = template
        if let arrival = arrivals[client] {
            bucket.theoreticalArrival = arrival
        } else if arrivals.count >= capacity {
            makeRoom(at: now)
        }
        if let wait = bucket.admit(at: now) { return wait }
        arrivals[client] = bucket.theoreticalArrival
        return nil
    }

    /// Forgets every client whose bucket is full at `now`; call it from a timer to give memory back
    /// after a burst of clients.
    public mutating func removeIdle(at now: Instant) {
        arrivals = arrivals.filter { $0.value > now }
        lastSweep = now
    }

    private mutating func makeRoom(at now: Instant) {
        if now - lastSweep >= .seconds(1 as Int64) { removeIdle(at: now) }
        if arrivals.count >= capacity { arrivals.remove(at: arrivals.startIndex) }
    }
}
