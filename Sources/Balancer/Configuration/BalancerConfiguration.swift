import Core
import Reactor

/// How `balancer` runs: where it listens, where requests go and how, and its limits.
///
/// Built by `resolve(file:named:environment:arguments:)`: the defaults, then `balancer.json`, then the
/// environment the supervisor sets, then flags. Immutable once built; every value is validated (ranges
/// in docs/balancer.md), so the proxy can use it without checks.
public struct BalancerConfiguration: Sendable, Equatable {
    /// Where the proxy listens (loopback). `STACK_ADDRESS`/`STACK_PORT`, `--bind`/`--port`;
    /// default 127.0.0.1:8080.
    public var listenAddress: SocketAddress = .ipv4(address: 0x7F00_0001, port: 8080)
    /// More addresses the proxy also listens on (the stack's published ports). `STACK_PUBLISH`.
    public var publishedAddresses: [SocketAddress] = []
    /// The supervisor's discovery file, read for `upstreams.service`. `STACK_DISCOVERY_FILE`.
    public var discoveryFile: String? = nil
    /// Lowest level logged. `LOG_LEVEL`, `--log-level`.
    public var logLevel: Logger.Level = .info

    /// Where the upstreams come from. `upstreams`, `BALANCER_UPSTREAM_SERVICE`, `--upstream`;
    /// default the service `api`.
    public var upstreams: UpstreamSource = .service("api")
    /// How an upstream is picked. `algorithm`.
    public var algorithm: BalancingAlgorithm = .roundRobin
    /// Active health checks. `health_check`.
    public var healthCheck = HealthCheck()
    /// Passive health (failed requests). `passive`.
    public var passive = PassiveHealth()
    /// Retries per request on another upstream, 0...10 (see `RetryPolicy`). `retries`.
    public var retries = 2
    /// Connection and I/O timeouts. `timeouts`.
    public var timeouts = Timeouts()
    /// Size and connection limits. `limits`.
    public var limits = Limits()
    /// Per-client-address rate limit, or `nil` for none. `rate_limit`.
    public var rateLimit: RateLimit? = nil
    /// The response header naming the upstream instance that answered, or `nil` for none.
    /// `served_by_header`; default `X-Served-By`.
    public var servedByHeader: String? = "X-Served-By"
    /// Idle connections kept to upstreams. `keepalive`.
    public var keepalive = Keepalive()
    /// Where the admin listener (status page, metrics) goes. `admin`.
    public var admin: AdminListener = .portOffset(10_000)
    /// Event loops, or `nil` for one per core (`loopCount`). `threads`.
    public var threads: Int? = nil

    /// The defaults (docs/balancer.md lists them).
    public init() {}

    /// Event loops to run: `threads`, or one per core.
    public var loopCount: Int { threads ?? EventLoopGroup.coreCount }

    /// The admin listener's address: the listen host at port + offset, or the configured address.
    /// A listen port of 0 (tests) gives an admin port of 0 too, so both are picked by the kernel.
    public var adminAddress: SocketAddress {
        switch admin {
        case .address(let address):
            return address
        case .portOffset(let offset):
            guard case .ipv4(let host, let port) = listenAddress else { return listenAddress }
            let adminPort = port == 0 ? 0 : Int(port) + offset
            // `resolve` refuses offsets past 65535, so this only clamps a hand-built configuration.
            return .ipv4(address: host, port: UInt16(clamping: adminPort))
        }
    }
}
