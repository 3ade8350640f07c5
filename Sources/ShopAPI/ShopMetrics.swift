import Metrics

/// The API's metric families, registered once in the server's registry and shared by every loop.
///
/// `http_request_duration_seconds{method,route,code}` is labelled by the route template (`/product`), never
/// the raw URL, so a client cannot grow the exposition by varying query strings or ids.
final class ShopMetrics: Sendable {
    let registry: MetricsRegistry
    let durations: HistogramFamily
    let inFlight: Gauge
    let storeErrors: Counter
    /// `shop_store_circuit_state{loop}`: each loop's circuit breaker, 0 closed, 1 open, 2 half-open (a number
    /// per loop rather than a 0/1 series per state: one series per loop, and `max` over loops reads at once).
    let circuitStates: GaugeFamily
    /// `shop_purchases_total{result}`: created, replayed, insufficient_stock, ... (see `PurchaseRoutes`).
    let purchases: CounterFamily
    /// `shop_items_sold_total`: units of every created order.
    let itemsSold: Counter

    /// Registers the families in `registry`.
    init(registry: MetricsRegistry) {
        self.registry = registry
        durations = registry.histogram(
            name: "http_request_duration_seconds", help: "Time from a request's head to its answer, in seconds.",
            labelNames: ["method", "route", "code"],
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
        inFlight = registry.gauge(name: "http_requests_in_flight", help: "Requests received and not yet answered.")
        storeErrors = registry.counter(
            name: "shop_store_errors_total",
            help: "Store calls that failed: no connection, a timeout, a dropped connection or an error reply.")
        circuitStates = registry.gauge(
            name: "shop_store_circuit_state",
            help: "The store circuit breaker of each event loop: 0 closed, 1 open (failing fast), 2 half-open.",
            labelNames: ["loop"])
        purchases = registry.counter(
            name: "shop_purchases_total", help: "Purchase requests by result.", labelNames: ["result"])
        itemsSold = registry.counter(name: "shop_items_sold_total", help: "Units sold by created orders.")
    }
}
