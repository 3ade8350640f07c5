import Core
import HTTP
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// The part of the balancer that lives on one event loop: its listeners, client sessions, per-upstream
/// slots (pools and passive health), the algorithm's state and the rate limiter. Confined to that loop.
final class ProxyLoop {
    let loop: EventLoop
    let settings: ProxySettings
    let rewriter: HeadRewriter
    let metrics: BalancerMetrics
    let responseLimits: HTTPDecoderLimits
    private let directory: UpstreamDirectory
    private var listeners: [Listener] = []
    private var sessions: [ObjectIdentifier: ClientSession] = [:]
    private var slots: [UpstreamSlot] = []
    /// Slots of upstreams that left, kept until their last request ends.
    private var retiring: [UpstreamSlot] = []
    private var generation = -1
    private var candidates: [UpstreamCandidate] = []
    private var selector: UpstreamSelector
    private var rateLimiter: ClientRateLimiter?
    private var requestIDs = RequestID.Generator()
    private var sweepTimer: RepeatingTimer?
    private(set) var isDraining = false
    private let log: RequestLogBuffer

    init(
        loop: EventLoop, settings: ProxySettings, directory: UpstreamDirectory, metrics: BalancerMetrics,
        rateLimiter: ClientRateLimiter?, logger: Logger, seed: UInt64
    ) {
        self.loop = loop
        self.settings = settings
        self.rewriter = HeadRewriter(servedByHeader: settings.servedByHeader)
        self.metrics = metrics
        self.directory = directory
        self.log = RequestLogBuffer(loop: loop, logger: logger, subjectName: "upstream")
        // Answers are relayed as they stream: no limit on their size.
        self.responseLimits = HTTPDecoderLimits(maxHeaderBytes: 64 * 1024, maxBodySize: Int.max)
        self.selector = UpstreamSelector(algorithm: settings.algorithm, seed: seed)
        self.rateLimiter = rateLimiter
    }

    /// Binds this loop's listener on each address (SO_REUSEPORT: the kernel spreads connections over loops).
    func start(addresses: [SocketAddress]) throws(IOError) -> [SocketAddress] {
        var bound: [SocketAddress] = []
        for address in addresses {
            let listener = try Listener(address: address, on: loop, reusePort: true) { [unowned self] connection in
                self.accept(connection)
            }
            listeners.append(listener)
            bound.append(listener.address)
        }
        sweepTimer = loop.scheduleRepeating(every: .milliseconds(250)) { [unowned self] in self.sweep() }
        return bound
    }

    private func accept(_ connection: Connection) {
        guard !isDraining, sessions.count < settings.maxConnectionsPerLoop else {
            connection.close()
            return
        }
        let session = ClientSession(connection: connection, owner: self)
        connection.handler = session
        sessions[ObjectIdentifier(session)] = session
        metrics.connectionsActive.increment()
    }

    func remove(_ session: ClientSession) {
        if sessions.removeValue(forKey: ObjectIdentifier(session)) != nil { metrics.connectionsActive.decrement() }
    }

    var connectionCount: Int { sessions.count }

    // MARK: - Choosing upstreams

    /// The slot for the next attempt, or nil when no available upstream is left untried.
    func choose(clientKey: UInt32, excluding tried: [ObjectIdentifier]) -> UpstreamSlot? {
        refreshSlots()
        let now = loop.now
        candidates.removeAll(keepingCapacity: true)
        var excluded: [Int] = []
        for (index, slot) in slots.enumerated() {
            candidates.append(
                UpstreamCandidate(
                    weight: slot.target.weight, activeRequests: slot.activeRequests,
                    isAvailable: slot.isAvailable(at: now)))
            if !tried.isEmpty, tried.contains(ObjectIdentifier(slot)) { excluded.append(index) }
        }
        guard let index = selector.select(from: candidates, clientKey: UInt64(clientKey), excluding: excluded) else {
            return nil
        }
        return slots[index]
    }

    /// Whether an available upstream other than those tried exists (a 503 is then worth retrying).
    func hasOtherCandidate(excluding tried: [ObjectIdentifier]) -> Bool {
        let now = loop.now
        return slots.contains { $0.isAvailable(at: now) && !tried.contains(ObjectIdentifier($0)) }
    }

    /// Takes the directory's list when it changed: kept upstreams keep their slots (pools, health).
    private func refreshSlots() {
        let current = directory.generation
        guard current != generation else { return }
        let (newGeneration, targets) = directory.snapshot()
        generation = newGeneration
        var next: [UpstreamSlot] = []
        for target in targets {
            if let existing = slots.first(where: { $0.target === target }) {
                next.append(existing)
            } else {
                next.append(UpstreamSlot(target: target, loop: loop, settings: settings, metrics: metrics))
            }
        }
        for old in slots where !next.contains(where: { $0 === old }) {
            old.closeIdle(olderThan: .zero, now: loop.now, all: true)
            if old.activeRequests > 0 || old.openCount > 0 { retiring.append(old) }
        }
        slots = next
    }

    // MARK: - Per request

    /// nil when the client may send a request now, else the whole seconds until it may (Retry-After).
    func admit(client: UInt32) -> Int? {
        guard rateLimiter != nil else { return nil }
        guard let wait = rateLimiter!.admit(client: client, at: loop.now) else { return nil }
        return max(1, Int((wait.nanoseconds + 999_999_999) / 1_000_000_000))
    }

    func newRequestID() -> String { requestIDs.next() }

    /// Counts and logs one answered request.
    func recordAnswer(requestID: String, method: HTTPMethod, code: Int, upstream: String, duration: TimeAmount) {
        metrics.duration.observe(duration)
        log.record(requestID: requestID, method: method, subject: upstream, status: code, duration: duration)
    }

    // MARK: - Housekeeping

    private func sweep() {
        let now = loop.now
        for session in Array(sessions.values) { session.checkTimeouts(now: now) }
        refreshSlots()
        for slot in slots { slot.closeIdle(olderThan: settings.upstreamIdleTimeout, now: now) }
        retiring.removeAll { $0.activeRequests == 0 && $0.openCount == 0 }
        for slot in retiring where slot.activeRequests == 0 { slot.closeIdle(olderThan: .zero, now: now, all: true) }
        rateLimiter?.removeIdle(at: now)
    }

    /// Stops accepting and closes idle client connections; busy ones close after their answer.
    func beginDrain() {
        isDraining = true
        for listener in listeners { listener.close() }
        listeners.removeAll()
        for session in Array(sessions.values) { session.drain() }
    }

    /// Closes everything left.
    func forceClose() {
        sweepTimer?.cancel()
        for session in Array(sessions.values) { session.connection.close() }
        for slot in slots + retiring { slot.closeIdle(olderThan: .zero, now: loop.now, all: true) }
    }
}
