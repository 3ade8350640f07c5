extension MetricsRegistry {
    /// `eventloop_lag_seconds{loop="..."}`: how late each event loop ran its last timer or tick.
    ///
    /// Each loop resolves its child once (`eventLoopLag.labels("3")`) and calls `set` from its own thread.
    public var eventLoopLag: GaugeFamily {
        gauge(
            name: "eventloop_lag_seconds",
            help: "How late the event loop ran its most recent scheduled task, in seconds.",
            labelNames: ["loop"])
    }
}
