import Core
import HTTP
import Metrics
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// The shop's REST API: an HTTP server whose handlers reach the store master through one pipelined
/// connection per event loop.
///
/// ```swift
/// let server = try ShopServer(configuration: configuration, logger: logger)
/// let address = try await server.start()
/// await server.waitForSignal([SIGTERM, SIGINT])
/// await server.shutdown()
/// ```
public final class ShopServer: Sendable {
    /// The configuration it runs with.
    public let configuration: APIConfiguration
    /// Its metrics, exposed on `/metrics`.
    public let registry: MetricsRegistry
    private let http: HTTPServer
    private let hasher: PasswordHasher

    /// Builds the routes and the HTTP server; nothing listens or connects until `start()`.
    public convenience init(configuration: APIConfiguration, logger: Logger) throws {
        try self.init(
            configuration: configuration, logger: logger,
            authorization: WriteAuthorization(adminToken: configuration.adminToken),
            authenticator: SessionAuthenticator(adminToken: configuration.adminToken))
    }

    /// The same with the `Authenticator` the routes ask: internal, so only this module and `@testable`
    /// tests choose it (the tests' header authenticator); no configuration a deployment sets reaches it.
    init(
        configuration: APIConfiguration, logger: Logger, authorization: WriteAuthorization,
        authenticator: any Authenticator
    ) throws {
        self.configuration = configuration
        let registry = MetricsRegistry()
        self.registry = registry
        let metrics = ShopMetrics(registry: registry)
        let contexts = LoopContexts()
        var router = ShopRouter(contexts: contexts)
        hasher = try PasswordHasher(workerCount: configuration.hashThreadCount)
        ShopServer.registerRoutes(
            in: &router, configuration: configuration, registry: registry, authorization: authorization,
            authenticator: authenticator, hasher: hasher)
        let limits = HTTPDecoderLimits(maxBodySize: configuration.maxBodySize)
        http = try HTTPServer(
            configuration: HTTPServerConfiguration(
                address: configuration.address, loopCount: configuration.loopCount, limits: limits,
                serverName: nil,
                errorResponse: { status, message in ShopError.server(status: status.code, message: message).response }),
            router: router.router)
        let loops = http.group.loops
        let loopContexts =
            loops.map { loop in
                let store = StoreGateway(
                    loop: loop, configuration: configuration, errors: metrics.storeErrors,
                    circuitState: metrics.circuitStates.labels(loop.name), logger: logger)
                let transactions = TransactionPool(
                    loop: loop, address: configuration.storeAddress, password: configuration.storePassword,
                    timeout: configuration.storeTimeout, errors: metrics.storeErrors, logger: logger)
                // Transactions follow the master the gateway finds, and their trouble makes it look.
                store.onMasterChange = { [unowned transactions] master in transactions.retarget(to: master) }
                transactions.onMasterTrouble = { [unowned store] in store.relocate() }
                return LoopContext(
                    loop: loop, store: store, transactions: transactions, metrics: metrics, logger: logger)
            }
        // Each loop finds the master on its own; the first to see it move tells the others to look too, so
        // that a request on another loop does not meet the old master first.
        for context in loopContexts {
            let others = loopContexts.filter { $0 !== context }.map { GatewayHandle(store: $0.store) }
            let retarget = context.store.onMasterChange
            context.store.onMasterChange = { master in
                retarget?(master)
                for other in others { other.store.loop.execute { other.store.relocate() } }
            }
        }
        contexts.install(loopContexts)
        ProcessMetrics.register(in: registry)
        registry.addCollector {
            for loop in loops { registry.eventLoopLag.labels(loop.name).set(loop.lag.seconds) }
        }
    }

    /// Adds every route of the API to `router` (the routes `OpenAPIDocument` describes).
    static func registerRoutes(
        in router: inout ShopRouter, configuration: APIConfiguration, registry: MetricsRegistry,
        authorization: WriteAuthorization, authenticator: any Authenticator, hasher: PasswordHasher
    ) {
        ServiceRoutes.register(in: &router, registry: registry)
        ClassicRoutes<User>.register(in: &router, authorization: authorization)
        ClassicRoutes<Product>.register(in: &router, authorization: authorization)
        UserRoutes.register(in: &router, authenticator: authenticator, hasher: hasher)
        SessionRoutes.register(
            in: &router, authenticator: authenticator, hasher: hasher,
            lifetimeSeconds: configuration.sessionLifetimeSeconds)
        ProductRoutes.register(in: &router, authenticator: authenticator)
        PurchaseRoutes.register(
            in: &router, authenticator: authenticator, replicaWaitTimeout: configuration.replicaWaitTimeout)
    }

    /// Starts listening; returns the bound address (with the real port when 0 was asked for).
    @discardableResult
    public func start() async throws -> SocketAddress {
        try await http.start()
    }

    /// Returns when one of `signals` arrives (they must be blocked in every thread: `SignalWatcher.block`
    /// at the top of `main`). Call once.
    public func waitForSignal(_ signals: [Int32]) async -> Int32 {
        await SignalWatcher.wait(for: signals, on: http.group.loops[0])
    }

    /// Stops accepting, lets in-flight requests finish for up to `gracePeriod`, then stops the loops.
    public func shutdown(gracePeriod: TimeAmount = .seconds(5 as Int64)) async {
        await http.shutdown(gracePeriod: gracePeriod)
        hasher.shutdown()
    }
}

/// A loop's gateway, handed to another loop's task: used only through its own loop (`relocate` runs
/// there), never touched elsewhere.
private struct GatewayHandle: @unchecked Sendable {
    let store: StoreGateway
}
