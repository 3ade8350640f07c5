import Core
import Testing

@testable import Metrics

@Suite struct HistogramTests {
    @Test("a histogram renders cumulative buckets, +Inf, sum and count")
    func exposition() {
        let registry = MetricsRegistry()
        let latency = registry.histogram(
            name: "request_duration_seconds", help: "Request latency.", labelNames: ["route"],
            buckets: [0.005, 0.5, 1, 2.5])
        let route = latency.labels("/cart")
        // Binary fractions, so that the sum is exact; 0.5 sits on a bound, which is inclusive (le).
        route.observe(0.00390625)
        route.observe(0.5)
        route.observe(0.75)
        route.observe(TimeAmount.seconds(Int64(60)))
        #expect(
            registry.render() == """
                # HELP request_duration_seconds Request latency.
                # TYPE request_duration_seconds histogram
                request_duration_seconds_bucket{route="/cart",le="0.005"} 1
                request_duration_seconds_bucket{route="/cart",le="0.5"} 2
                request_duration_seconds_bucket{route="/cart",le="1"} 3
                request_duration_seconds_bucket{route="/cart",le="2.5"} 3
                request_duration_seconds_bucket{route="/cart",le="+Inf"} 4
                request_duration_seconds_sum{route="/cart"} 61.25390625
                request_duration_seconds_count{route="/cart"} 4

                """)
    }

    @Test("an unlabelled histogram uses the Prometheus default buckets")
    func defaultBuckets() {
        let registry = MetricsRegistry()
        _ = registry.histogram(name: "job_duration_seconds", help: "Job time.")
        let les = registry.render().split(separator: "\n").compactMap { line -> Substring? in
            guard let start = line.range(of: "le=\"")?.upperBound else { return nil }
            return line[start...].prefix { $0 != "\"" }
        }
        #expect(les == ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"])
        #expect(registry.render().hasSuffix("job_duration_seconds_sum 0\njob_duration_seconds_count 0\n"))
    }

    @Test("+Inf equals the count, and buckets never decrease")
    func cumulative() {
        let histogram = MetricsRegistry().histogram(name: "sizes_bytes", help: "Sizes.", buckets: [10, 100, 1000])
        for value in [1.0, 10, 11, 100, 5000, .nan, -3] { histogram.observe(value) }
        let (cumulative, count, sum) = histogram.snapshot()
        #expect(cumulative == [3, 5, 5])
        #expect(count == 7)
        #expect(sum.isNaN)
        #expect(zip(cumulative, cumulative.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("a trailing +Inf bound is accepted and implied")
    func explicitInfinity() {
        let registry = MetricsRegistry()
        let family = registry.histogram(name: "a_seconds", help: "A.", labelNames: [], buckets: [1, .infinity])
        #expect(family.upperBounds == [1])
        #expect(registry.histogram(name: "a_seconds", help: "A.", labelNames: [], buckets: [1]) === family)
    }

    @Test("exponential buckets multiply from the start")
    func exponential() {
        #expect(Histogram.exponentialBuckets(start: 0.001, factor: 10, count: 3) == [0.001, 0.01, 0.1])
    }

    @Test("unsorted buckets are a programmer error")
    func unsortedBucketsTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = MetricsRegistry().histogram(name: "b_seconds", help: "B.", buckets: [1, 0.5])
        }
    }
}
