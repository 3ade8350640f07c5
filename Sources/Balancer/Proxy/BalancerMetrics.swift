import Metrics

/// The balancer's metric families, registered once and shared by every loop (children are resolved once
/// per loop and upstream, then updated with atomics).
final class BalancerMetrics: Sendable {
    let registry: MetricsRegistry
    /// `balancer_requests_total{upstream, code}`: answers given, by the upstream that gave them (`none` for
    /// the balancer's own: 429, 502 when every try failed, 503 when none is up, 4xx for bad requests).
    let requests: CounterFamily
    let duration: Histogram
    let upstreamUp: GaugeFamily
    let upstreamActive: GaugeFamily
    let retries: Counter
    let connectionsActive: Gauge
    let upstreamConnectionsOpened: Counter
    let rateLimited: Counter
    let process: ProcessMetrics

    init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        requests = registry.counter(
            name: "balancer_requests_total", help: "Requests answered, by upstream and status code.",
            labelNames: ["upstream", "code"])
        duration = registry.histogram(
            name: "balancer_request_duration_seconds",
            help: "Time from a request's head to the end of its answer, in seconds.",
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
        upstreamUp = registry.gauge(
            name: "balancer_upstream_up", help: "Whether the upstream takes traffic (1) or not (0).",
            labelNames: ["upstream"])
        upstreamActive = registry.gauge(
            name: "balancer_upstream_active_requests", help: "Requests in flight on the upstream.",
            labelNames: ["upstream"])
        retries = registry.counter(
            name: "balancer_retries_total", help: "Requests sent again to another upstream after a failed try.")
        connectionsActive = registry.gauge(name: "balancer_connections_active", help: "Open client connections.")
        upstreamConnectionsOpened = registry.counter(
            name: "balancer_upstream_connections_opened_total",
            help: "Connections opened to upstreams (few, when keep-alive pooling works).")
        rateLimited = registry.counter(
            name: "balancer_rate_limited_total", help: "Requests refused with 429 by the per-client rate limit.")
        process = ProcessMetrics.register(in: registry)
    }
}
