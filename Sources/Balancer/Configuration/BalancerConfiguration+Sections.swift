import Core
import Reactor

extension BalancerConfiguration {
    /// Where the upstreams come from.
    public enum UpstreamSource: Sendable, Equatable {
        /// The instances of this stack service, from the discovery file (`{"service": "api"}`).
        case service(String)
        /// A fixed list (`{"static": [...]}`, or `--upstream` flags).
        case fixed([StaticUpstream])
    }

    /// One upstream of a fixed list.
    public struct StaticUpstream: Sendable, Equatable {
        /// A loopback IPv4 address and a port other than 0.
        public var address: SocketAddress
        /// Relative share of requests, 1...256.
        public var weight: Int
        /// The name for the served-by header, logs and the status page; the address when not given.
        public var name: String

        /// An upstream at `address`; `name` defaults to the address.
        public init(address: SocketAddress, weight: Int = 1, name: String? = nil) {
            self.address = address
            self.weight = weight
            self.name = name ?? address.description
        }
    }

    /// Active health checks: `GET path` on each upstream every `interval`.
    public struct HealthCheck: Sendable, Equatable {
        /// Whether checks run; without them upstreams are up from the start. Default true.
        public var isEnabled = true
        /// The request path; 2xx passes. Default `/health`.
        public var path = "/health"
        /// Time between checks of one upstream. Default 1s.
        public var interval: TimeAmount = .seconds(1 as Int64)
        /// How long a check may take before it counts as failed; at most `interval`. Default 500ms.
        public var timeout: TimeAmount = .milliseconds(500)
        /// Passed checks in a row that bring a down upstream back, 1...100. Default 2.
        public var rise = 2
        /// Failed checks in a row that take an upstream down, 1...100. Default 3.
        public var fall = 3

        /// The defaults.
        public init() {}
    }

    /// Passive health: failed requests take an upstream out for a while (nginx's `max_fails`).
    public struct PassiveHealth: Sendable, Equatable {
        /// Failures within `failTimeout` that eject an upstream, 0...100; 0 disables. Default 3.
        public var maxFails = 3
        /// The counting window and the ejection's length. Default 10s.
        public var failTimeout: TimeAmount = .seconds(10 as Int64)

        /// The defaults.
        public init() {}
    }

    /// Timeouts; all positive.
    public struct Timeouts: Sendable, Equatable {
        /// Connecting to an upstream. Default 1s.
        public var connect: TimeAmount = .seconds(1 as Int64)
        /// Between bytes of an upstream's response (and for its head after the request). Default 30s.
        public var upstreamRead: TimeAmount = .seconds(30 as Int64)
        /// Receiving a client's whole request head. Default 10s.
        public var clientHeader: TimeAmount = .seconds(10 as Int64)
        /// Between bytes of a client's request body. Default 30s.
        public var clientBody: TimeAmount = .seconds(30 as Int64)
        /// A kept-alive client connection with no request. Default 75s.
        public var clientIdle: TimeAmount = .seconds(75 as Int64)

        /// The defaults.
        public init() {}
    }

    /// Size and connection limits.
    public struct Limits: Sendable, Equatable {
        /// Largest request head, 1 KiB...1 MiB; larger ones are answered 431. Default 16384.
        public var maxHeaderBytes = 16_384
        /// Largest request body, 0...1 GiB; larger ones are answered 413. Default 10 MiB.
        public var maxBodyBytes = 10 * 1_048_576
        /// Client connections open at once, 1...1,000,000; more are refused. Default 10000.
        public var maxConnections = 10_000

        /// The defaults.
        public init() {}
    }

    /// A token bucket per client address.
    public struct RateLimit: Sendable, Equatable {
        /// Sustained requests a second per client, more than 0 (fractions allowed), at most 1,000,000.
        public var requestsPerSecond: Double
        /// Requests a client may send at once after being idle, 1...1,000,000; default the rate rounded up.
        public var burst: Int

        /// A limit of `requestsPerSecond` with bursts of `burst`.
        public init(requestsPerSecond: Double, burst: Int) {
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
        }
    }

    /// Idle upstream connections kept for reuse.
    public struct Keepalive: Sendable, Equatable {
        /// Idle connections kept per upstream per event loop, 0...65536; 0 closes each after use.
        /// Default 256.
        public var connectionsPerUpstream = 256
        /// How long an idle upstream connection is kept. Default 60s.
        public var idleTimeout: TimeAmount = .seconds(60 as Int64)

        /// The defaults.
        public init() {}
    }

    /// Where the admin listener (status page, metrics) listens.
    public enum AdminListener: Sendable, Equatable {
        /// On the listen address's host at its port plus this, 1...65535 (`{"port_offset": 10000}`).
        case portOffset(Int)
        /// At this loopback address (`{"address": "127.0.0.1:9000"}`).
        case address(SocketAddress)
    }
}
