import Testing

@testable import Metrics

@Suite struct MetricNamingTests {
    @Test("metric names follow [a-zA-Z_:][a-zA-Z0-9_:]*")
    func metricNameSyntax() {
        for name in ["a", "_a", "a:b", "http_requests_total", "A9"] { #expect(MetricNaming.isValidMetricName(name)) }
        for name in ["", "9a", "a-b", "a b", "é"] { #expect(!MetricNaming.isValidMetricName(name)) }
    }

    @Test("label names follow [a-zA-Z_][a-zA-Z0-9_]* and must not start with __")
    func labelNameSyntax() {
        for name in ["a", "_a", "route", "code2"] { #expect(MetricNaming.isValidLabelName(name)) }
        for name in ["", "2a", "a:b", "__name", "a-b"] { #expect(!MetricNaming.isValidLabelName(name)) }
    }

    @Test("names promtool accepts without a warning have no problems")
    func acceptable() {
        #expect(
            MetricNaming.problems(name: "http_requests_total", type: .counter, help: "H.", labelNames: ["code"]).isEmpty
        )
        #expect(
            MetricNaming.problems(name: "request_duration_seconds", type: .histogram, help: "H.", labelNames: [])
                .isEmpty)
        #expect(MetricNaming.problems(name: "process_open_fds", type: .gauge, help: "H.", labelNames: []).isEmpty)
        #expect(MetricNaming.problems(name: "cache_size_bytes", type: .gauge, help: "H.", labelNames: []).isEmpty)
    }

    @Test(
        "each promtool lint rule is reported",
        arguments: [
            ("requests", MetricType.counter, "H.", [String]()),
            ("requests_total", .gauge, "H.", []),
            ("latency_bucket", .gauge, "H.", []),
            ("latency_count", .counter, "H.", []),
            ("latency_sum", .gauge, "H.", []),
            ("a_seconds", .gauge, "H.", ["le"]),
            ("a_seconds", .histogram, "H.", ["quantile"]),
            ("a_seconds", .gauge, "", []),
            ("job:rate", .gauge, "H.", []),
            ("requestCount", .gauge, "H.", []),
            ("a_seconds", .gauge, "H.", ["statusCode"]),
            ("queue_gauge", .gauge, "H.", []),
            ("latency_ms", .gauge, "H.", []),
            ("latency_milliseconds", .gauge, "H.", []),
            ("size_kilobytes", .gauge, "H.", []),
            ("__internal", .gauge, "H.", []),
            ("a_seconds", .gauge, "H.", ["x", "x"]),
        ])
    func lintRules(name: String, type: MetricType, help: String, labelNames: [String]) {
        #expect(!MetricNaming.problems(name: name, type: type, help: help, labelNames: labelNames).isEmpty)
    }
}
