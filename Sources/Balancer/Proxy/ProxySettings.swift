import Core
import HTTP

/// What the proxy data path needs from the configuration, resolved once: limits, timeouts, retries and
/// the headers it adds. A value each loop keeps a copy of.
struct ProxySettings: Sendable {
    /// How upstreams are chosen.
    var algorithm: BalancingAlgorithm = .roundRobin
    /// Request limits: header bytes (431), body bytes (413).
    var requestLimits = HTTPDecoderLimits(maxHeaderBytes: 16 * 1024, maxBodySize: 10 * 1024 * 1024)
    /// Client connections per loop beyond which new ones are closed at once.
    var maxConnectionsPerLoop = 10_000
    /// A client that has begun a request head must finish it within this (408).
    var clientHeaderTimeout: TimeAmount = .seconds(10 as Int64)
    /// A client sending a body may pause no longer than this between reads (408).
    var clientBodyTimeout: TimeAmount = .seconds(30 as Int64)
    /// A keep-alive client connection with no request for this long is closed.
    var clientIdleTimeout: TimeAmount = .seconds(75 as Int64)
    /// Connecting to an upstream may take this long (then the next upstream, or 504).
    var connectTimeout: TimeAmount = .seconds(1 as Int64)
    /// An upstream may be silent this long while we wait for its answer (then 504).
    var upstreamReadTimeout: TimeAmount = .seconds(30 as Int64)
    /// When a failed try is sent to another upstream.
    var retryPolicy = RetryPolicy(retries: 2)
    /// Idle keep-alive connections kept per upstream per loop.
    var idleConnectionsPerUpstream = 256
    /// An idle upstream connection older than this is closed rather than reused.
    var upstreamIdleTimeout: TimeAmount = .seconds(60 as Int64)
    /// The header naming the upstream that answered (`X-Served-By`), or nil for none.
    var servedByHeader: String? = "X-Served-By"
    /// Passive health: this many failed requests within `failTimeout` take an upstream out for `failTimeout`.
    var maxFails = 3
    var failTimeout: TimeAmount = .seconds(10 as Int64)
    /// The request body kept for a retry: a request with a longer body is not retried once body bytes left.
    var retryBodyLimit = 64 * 1024
}
