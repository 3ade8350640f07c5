import Core
import HTTP
import Metrics
import Reactor

/// One upstream as one loop uses it: its idle keep-alive connections, the requests this loop has in
/// flight on it, and the passive health this loop observed (as nginx, each worker judges on its own).
/// Confined to the loop thread.
final class UpstreamSlot {
    let target: UpstreamTarget
    let loop: EventLoop
    /// Idle connections, most recently used last (taken from the end, so few connections stay warm).
    private var idle: [UpstreamConnection] = []
    /// Open connections, idle or busy.
    private(set) var openCount = 0
    /// Requests of this loop in flight on this upstream.
    private(set) var activeRequests = 0
    /// Passive health only (checks off): active checks are the checker's, shared through `target.isUp`.
    var passive: UpstreamHealth
    /// `balancer_requests_total{upstream, code}` children by code.
    private var requestCounters: [Int: Counter] = [:]
    private let metrics: BalancerMetrics

    init(target: UpstreamTarget, loop: EventLoop, settings: ProxySettings, metrics: BalancerMetrics) {
        self.target = target
        self.loop = loop
        self.metrics = metrics
        self.passive = UpstreamHealth(
            checksEnabled: false, rise: 1, fall: 1, maxFails: settings.maxFails, failTimeout: settings.failTimeout,
            now: loop.now)
    }

    /// Whether new requests may go here now.
    func isAvailable(at now: Instant) -> Bool {
        target.isUp.load(ordering: .relaxed) && !target.isRemoved.load(ordering: .relaxed)
            && passive.isAvailable(at: now)
    }

    func beginRequest() {
        activeRequests += 1
        target.activeRequests.add(1, ordering: .relaxed)
    }

    func endRequest() {
        activeRequests -= 1
        target.activeRequests.subtract(1, ordering: .relaxed)
    }

    /// An idle connection still open and fresh, or nil.
    func takeIdle(now: Instant, idleTimeout: TimeAmount) -> UpstreamConnection? {
        while let candidate = idle.popLast() {
            if candidate.connection.isOpen && now - candidate.idleSince < idleTimeout { return candidate }
            candidate.connection.close()
        }
        return nil
    }

    /// Opens a new connection; `completion` runs on the loop.
    func connect(
        settings: ProxySettings, limits: HTTPDecoderLimits,
        _ completion: @escaping (Result<UpstreamConnection, UpstreamFailure>) -> Void
    ) {
        Connection.connect(to: target.address, on: loop, timeout: settings.connectTimeout) { result in
            switch result {
            case .success(let connection):
                let upstream = UpstreamConnection(connection: connection, slot: self, limits: limits)
                connection.handler = upstream
                self.openCount += 1
                self.metrics.upstreamConnectionsOpened.increment()
                completion(.success(upstream))
            case .failure(let error):
                completion(.failure(error.isTimeout ? .connectTimedOut : .connectFailed))
            }
        }
    }

    /// Takes back a connection whose exchange ended cleanly; closes it when the idle list is full or the
    /// upstream is leaving.
    func release(_ upstream: UpstreamConnection, maxIdle: Int) {
        upstream.session = nil
        upstream.hasCarriedRequest = true
        guard upstream.connection.isOpen else { return }
        if idle.count >= maxIdle || target.isRemoved.load(ordering: .relaxed) {
            upstream.connection.close()
            return
        }
        upstream.idleSince = loop.now
        idle.append(upstream)
    }

    /// Bookkeeping when a connection closes (idle or not).
    func connectionClosed(_ upstream: UpstreamConnection) {
        openCount -= 1
        if let index = idle.firstIndex(where: { $0 === upstream }) { idle.remove(at: index) }
    }

    /// Closes idle connections past the idle timeout (all of them when `all`).
    func closeIdle(olderThan timeout: TimeAmount, now: Instant, all: Bool = false) {
        let stale = idle.filter { all || now - $0.idleSince >= timeout }
        for connection in stale { connection.connection.close() }
    }

    /// Counts an answered request.
    func countAnswer(code: Int) {
        if let counter = requestCounters[code] { return counter.increment() }
        let counter = metrics.requests.labels(target.name, String(code))
        requestCounters[code] = counter
        counter.increment()
    }
}
