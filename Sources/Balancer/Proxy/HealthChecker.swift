import Core
import HTTP
import Reactor

/// Active health checks (HAProxy's): every `interval`, `GET path` on each upstream with `timeout`; a 2xx
/// or 3xx passes. The verdicts go to each target's `isUp`, which every loop reads. A new upstream is
/// checked at once, so it takes traffic as soon as it answers. Runs on one loop; confined to it.
final class HealthChecker {
    struct Settings: Sendable {
        var enabled = true
        var path = "/health"
        var interval: TimeAmount = .seconds(1 as Int64)
        var timeout: TimeAmount = .milliseconds(500)
        var rise = 2
        var fall = 3
    }

    let loop: EventLoop
    let settings: Settings
    private let directory: UpstreamDirectory
    private let logger: Logger
    private let pool: HTTPConnectionPool
    private var states:
        [ObjectIdentifier: (target: UpstreamTarget, health: UpstreamHealth, inFlight: Bool, hasBeenUp: Bool)] = [:]
    private var timer: RepeatingTimer?
    private var starterTimer: RepeatingTimer?
    private var generation = -1

    init(loop: EventLoop, settings: Settings, directory: UpstreamDirectory, logger: Logger) {
        self.loop = loop
        self.settings = settings
        self.directory = directory
        self.logger = logger
        var client = HTTPClientConfiguration()
        client.connectTimeout = settings.timeout
        client.readTimeout = settings.timeout
        self.pool = HTTPConnectionPool(loop: loop, configuration: client)
    }

    /// Starts checking (on the loop).
    func start() {
        timer = loop.scheduleRepeating(every: settings.interval) { [weak self] in self?.checkAll() }
        // A newcomer that failed its first checks (its process started, its port not open yet) is checked
        // again every 200 ms until it has come up (one pass, or `rise` passes once `fall` failures took it
        // down), so it takes traffic within a fraction of a second of being able to answer rather than up
        // to a whole interval or two later.
        let fast = min(settings.interval, .milliseconds(200))
        starterTimer = loop.scheduleRepeating(every: fast) { [weak self] in self?.checkStarters() }
        refresh()
    }

    func stop() {
        timer?.cancel()
        starterTimer?.cancel()
    }

    private func checkStarters() {
        refresh()
        for state in states.values where !state.inFlight && !state.hasBeenUp {
            check(state.target)
        }
    }

    /// Takes the directory's list when it changed; checks newcomers at once.
    func refresh() {
        let (current, targets) = directory.snapshot()
        guard current != generation else { return }
        generation = current
        var next:
            [ObjectIdentifier: (target: UpstreamTarget, health: UpstreamHealth, inFlight: Bool, hasBeenUp: Bool)] = [:]
        var newcomers: [UpstreamTarget] = []
        for target in targets {
            let key = ObjectIdentifier(target)
            if let existing = states[key] {
                next[key] = existing
            } else {
                next[key] = (
                    target,
                    UpstreamHealth(
                        checksEnabled: true, rise: settings.rise, fall: settings.fall, maxFails: 0,
                        failTimeout: .seconds(1 as Int64), now: loop.now),
                    false, false
                )
                newcomers.append(target)
            }
        }
        for (key, state) in states where next[key] == nil { pool.closeIdle(to: state.target.address) }
        states = next
        for target in newcomers { check(target) }
    }

    private func checkAll() {
        refresh()
        for state in states.values where !state.inFlight { check(state.target) }
    }

    private func check(_ target: UpstreamTarget) {
        let key = ObjectIdentifier(target)
        states[key]?.inFlight = true
        let request = HTTPClientRequest(
            method: .GET, target: settings.path,
            headers: ["Host": target.address.description, "User-Agent": "balancer-check"])
        pool.execute(request, to: target.address) { [weak self] result in
            guard let self, var state = self.states[key] else { return }
            state.inFlight = false
            let passed: Bool
            let reason: String
            switch result {
            case .success(let response):
                passed = (200..<400).contains(response.head.status.code)
                reason = "HTTP \(response.head.status.code)"
            case .failure(let error):
                passed = false
                reason = error.message
            }
            let change = state.health.recordCheck(passed: passed, at: self.loop.now)
            self.states[key] = state
            let health = state.health.state
            target.checkSummary.withLock {
                $0 =
                    passed
                    ? "passed \(health.consecutiveSuccesses) in a row (\(reason))"
                    : "failed \(health.consecutiveFailures) in a row: \(reason)"
            }
            switch change {
            // `endpoint`, never a key ending in `address`: a line with `address=` is where this process listens (the
            // supervisor's and the tests' readers look for it), and a check can pass before that line is out.
            case .cameUp?:
                self.states[key]?.hasBeenUp = true
                target.isUp.store(true, ordering: .releasing)
                self.logger.info("upstream up", ["upstream": target.name, "endpoint": target.address])
            case .wentDown?:
                target.isUp.store(false, ordering: .releasing)
                self.logger.warning(
                    "upstream down", ["upstream": target.name, "endpoint": target.address, "reason": reason])
            case .ejected?, .readmitted?, nil:
                break
            }
        }
    }
}
