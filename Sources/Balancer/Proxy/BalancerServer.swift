import Core
import HTTP
import Metrics
import Reactor
import Synchronization

/// The balancer: one event loop per core, each with a SO_REUSEPORT listener on every listen address and
/// its own upstream pools; active health checks and the discovery watcher on the first loop; the admin
/// server (status page, metrics, health) on a loop of its own.
///
/// ```swift
/// let server = try BalancerServer(options: options, logger: logger)
/// try await server.start()
/// await server.shutdown()
/// ```
public final class BalancerServer: Sendable {
    /// What the server runs with (resolved from the configuration).
    struct Options: Sendable {
        var listen: [SocketAddress]
        var admin: SocketAddress?
        var loopCount: Int
        var settings: ProxySettings
        var health: HealthChecker.Settings
        var rateLimit: BalancerConfiguration.RateLimit?
        /// Static upstreams, or nil when they come from the discovery file.
        var staticUpstreams: [(name: String, address: SocketAddress, weight: Int)]?
        var discovery: (path: String, service: String)?
    }

    public let group: EventLoopGroup
    let options: Options
    let directory = UpstreamDirectory()
    let metrics: BalancerMetrics
    private let logger: Logger
    private let loops = Mutex<[LoopBox]>([])
    private let background = Mutex<BackgroundBox?>(nil)
    private let admin: HTTPServer?
    private let isShutDown = Atomic<Bool>(false)

    private struct LoopBox: @unchecked Sendable {
        let state: ProxyLoop
    }

    private struct BackgroundBox: @unchecked Sendable {
        let checker: HealthChecker?
        let watcher: DiscoveryWatcher?
    }

    init(options: Options, logger: Logger) throws {
        self.options = options
        self.logger = logger
        self.metrics = BalancerMetrics()
        self.group = try EventLoopGroup(loopCount: options.loopCount, name: "balancer")
        if let adminAddress = options.admin {
            var router = Router()
            let registry = metrics.registry
            let directory = self.directory
            let checksEnabled = options.health.enabled
            let algorithm = options.settings.algorithm
            let source = options.discovery.map { "service \($0.service)" } ?? "static list"
            let metrics = self.metrics
            router.get("/metrics") { _, responder in
                metrics.refreshUpstreamGauges(directory.snapshot().targets)
                var body = ByteBuffer()
                registry.render(into: &body)
                responder.respond(HTTPResponse(headers: ["Content-Type": MetricsRegistry.contentType], body: body))
            }
            router.get("/health") { _, responder in responder.respond(.json("{\"status\":\"ok\"}\n")) }
            router.get("/status.json") { _, responder in
                let rows = StatusPage.rows(directory.snapshot().targets, checksEnabled: checksEnabled)
                responder.respond(.json(StatusPage.json(rows, algorithm: algorithm, source: source)))
            }
            router.get("/status") { _, responder in
                let rows = StatusPage.rows(directory.snapshot().targets, checksEnabled: checksEnabled)
                responder.respond(
                    HTTPResponse(
                        contentType: "text/html; charset=utf-8",
                        body: StatusPage.html(rows, algorithm: algorithm, source: source)))
            }
            admin = try HTTPServer(
                configuration: HTTPServerConfiguration(address: adminAddress, loopCount: 1, serverName: "balancer"),
                router: router)
        } else {
            admin = nil
        }
    }

    /// Binds every listener (and the admin port), starts health checks and discovery. Returns the bound
    /// proxy addresses (real ports when 0 was asked for).
    @discardableResult
    public func start() async throws -> [SocketAddress] {
        if let staticUpstreams = options.staticUpstreams {
            directory.update(staticUpstreams, initiallyUp: !options.health.enabled)
        }
        var addresses = options.listen
        var boxes: [LoopBox] = []
        for (index, loop) in group.loops.enumerated() {
            let requested = addresses
            let options = self.options
            let directory = self.directory
            let metrics = self.metrics
            let logger = self.logger
            let (box, bound) = try await loop.submit { () throws -> (LoopBox, [SocketAddress]) in
                let state = ProxyLoop(
                    loop: loop, settings: options.settings, directory: directory, metrics: metrics,
                    rateLimiter: BalancerServer.rateLimiter(options.rateLimit, share: options.loopCount),
                    logger: logger,
                    seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
                let bound = try state.start(addresses: requested)
                return (LoopBox(state: state), bound)
            }
            boxes.append(box)
            addresses = bound
        }
        loops.withLock { $0 = boxes }
        try await startBackground()
        if let admin { try await admin.start() }
        return addresses
    }

    private func startBackground() async throws {
        let loop = group.loops[0]
        let options = self.options
        let directory = self.directory
        let logger = self.logger
        let box = try await loop.submit { () -> BackgroundBox in
            var checker: HealthChecker?
            if options.health.enabled {
                checker = HealthChecker(loop: loop, settings: options.health, directory: directory, logger: logger)
            }
            var watcher: DiscoveryWatcher?
            if let discovery = options.discovery {
                watcher = DiscoveryWatcher(
                    loop: loop, path: discovery.path, service: discovery.service, logger: logger
                ) { [checker] upstreams in
                    let (added, removed) = directory.update(upstreams, initiallyUp: !options.health.enabled)
                    for target in added {
                        logger.info("upstream added", ["upstream": target.name, "endpoint": target.address])
                    }
                    for target in removed {
                        logger.info(
                            "upstream removed, draining", ["upstream": target.name, "endpoint": target.address])
                    }
                    checker?.refresh()
                }
                watcher?.start()
            }
            checker?.start()
            return BackgroundBox(checker: checker, watcher: watcher)
        }
        background.withLock { $0 = box }
    }

    /// The admin server's address, once started.
    public var adminAddress: SocketAddress? { admin?.address }

    /// Replaces the static upstream list (a reload); the health checker picks the change up at once.
    public func setUpstreams(_ upstreams: [(name: String, address: SocketAddress, weight: Int)]) async {
        directory.update(upstreams, initiallyUp: !options.health.enabled)
        let box = background.withLock { $0 }
        _ = try? await group.loops[0].submit { box?.checker?.refresh() }
    }

    /// Waits for one of `stopSignals` on the first loop, handing `otherSignals` (SIGHUP) to `onOther`.
    public func waitForSignal(
        _ stopSignals: [Int32], otherSignals: [Int32], onOther: @escaping @Sendable (Int32) -> Void
    ) async -> Int32 {
        await SignalWatcher.wait(for: stopSignals, on: group.loops[0], otherSignals: otherSignals, onOther: onOther)
    }

    /// Stops accepting, lets in-flight requests finish for up to `gracePeriod`, then closes everything.
    public func shutdown(gracePeriod: TimeAmount = .seconds(5 as Int64)) async {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let boxes = loops.withLock { $0 }
        for box in boxes { _ = try? await box.state.loop.submit { box.state.beginDrain() } }
        let deadline = Instant.now + gracePeriod
        while Instant.now < deadline {
            var open = 0
            for box in boxes { open += (try? await box.state.loop.submit { box.state.connectionCount }) ?? 0 }
            if open == 0 { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let background = self.background.withLock { $0 }
        _ = try? await group.loops[0].submit {
            background?.checker?.stop()
            background?.watcher?.stop()
        }
        for box in boxes { _ = try? await box.state.loop.submit { box.state.forceClose() } }
        await admin?.shutdown(gracePeriod: .milliseconds(100))
        group.shutdown()
    }
}

extension BalancerMetrics {
    /// Sets the per-upstream gauges from the targets (at scrape time).
    func refreshUpstreamGauges(_ targets: [UpstreamTarget]) {
        process.refresh()
        for target in targets {
            upstreamUp.labels(target.name).set(target.isUp.load(ordering: .relaxed) ? 1 : 0)
            upstreamActive.labels(target.name).set(Double(target.activeRequests.load(ordering: .relaxed)))
        }
    }
}

extension BalancerServer {
    /// A balancer as `configuration` describes it.
    public convenience init(configuration: BalancerConfiguration, logger: Logger) throws {
        try self.init(options: Options(configuration), logger: logger)
    }

    /// Each loop's share of the per-client rate (a client's connections may land on any loop).
    static func rateLimiter(_ limit: BalancerConfiguration.RateLimit?, share: Int) -> ClientRateLimiter? {
        var configuration = BalancerConfiguration()
        configuration.rateLimit = limit
        return configuration.makeRateLimiter(share: share)
    }

    /// The upstreams a static configuration lists, as the directory takes them.
    static func upstreams(
        _ source: BalancerConfiguration.UpstreamSource
    ) -> [(
        name: String, address: SocketAddress, weight: Int
    )]? {
        guard case .fixed(let list) = source else { return nil }
        return list.map { ($0.name, $0.address, $0.weight) }
    }
}

extension BalancerServer.Options {
    /// The options `configuration` resolves to.
    init(_ configuration: BalancerConfiguration) {
        var settings = ProxySettings()
        settings.algorithm = configuration.algorithm
        settings.requestLimits = HTTPDecoderLimits(
            maxHeaderBytes: configuration.limits.maxHeaderBytes, maxBodySize: configuration.limits.maxBodyBytes)
        settings.maxConnectionsPerLoop = max(1, configuration.limits.maxConnections / configuration.loopCount)
        settings.clientHeaderTimeout = configuration.timeouts.clientHeader
        settings.clientBodyTimeout = configuration.timeouts.clientBody
        settings.clientIdleTimeout = configuration.timeouts.clientIdle
        settings.connectTimeout = configuration.timeouts.connect
        settings.upstreamReadTimeout = configuration.timeouts.upstreamRead
        settings.retryPolicy = configuration.retryPolicy
        settings.idleConnectionsPerUpstream = configuration.keepalive.connectionsPerUpstream
        settings.upstreamIdleTimeout = configuration.keepalive.idleTimeout
        settings.servedByHeader = configuration.servedByHeader
        settings.maxFails = configuration.passive.maxFails
        settings.failTimeout = configuration.passive.failTimeout
        var health = HealthChecker.Settings()
        health.enabled = configuration.healthCheck.isEnabled
        health.path = configuration.healthCheck.path
        health.interval = configuration.healthCheck.interval
        health.timeout = configuration.healthCheck.timeout
        health.rise = configuration.healthCheck.rise
        health.fall = configuration.healthCheck.fall
        var discovery: (path: String, service: String)?
        if case .service(let name) = configuration.upstreams, let path = configuration.discoveryFile {
            discovery = (path, name)
        }
        self.init(
            listen: [configuration.listenAddress] + configuration.publishedAddresses,
            admin: configuration.adminAddress, loopCount: configuration.loopCount, settings: settings,
            health: health, rateLimit: configuration.rateLimit,
            staticUpstreams: BalancerServer.upstreams(configuration.upstreams), discovery: discovery)
    }
}
