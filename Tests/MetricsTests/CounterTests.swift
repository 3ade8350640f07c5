import Foundation
import Testing

@testable import Metrics

@Suite struct CounterTests {
    @Test("a labelled counter renders one sample per label tuple, sorted by label values")
    func exposition() {
        let registry = MetricsRegistry()
        let requests = registry.counter(
            name: "http_requests_total", help: "Requests served.", labelNames: ["method", "code"])
        requests.labels("POST", "500").increment()
        requests.labels("GET", "200").increment(by: 3)
        #expect(
            registry.render() == """
                # HELP http_requests_total Requests served.
                # TYPE http_requests_total counter
                http_requests_total{method="GET",code="200"} 3
                http_requests_total{method="POST",code="500"} 1

                """)
    }

    @Test("an unlabelled counter is exposed as 0 before its first increment")
    func unlabelledStartsAtZero() {
        let registry = MetricsRegistry()
        _ = registry.counter(name: "restarts_total", help: "Restarts.")
        #expect(
            registry.render() == "# HELP restarts_total Restarts.\n# TYPE restarts_total counter\nrestarts_total 0\n")
    }

    @Test("integer and fractional increments add up")
    func mixedIncrements() {
        let registry = MetricsRegistry()
        let counter = registry.counter(name: "work_seconds_total", help: "Work.")
        counter.increment()
        counter.increment(by: 2)
        counter.increment(by: UInt64(3))
        counter.increment(by: 0.25)
        counter.increment(by: 0.5)
        #expect(counter.value == 6.75)
        #expect(registry.render().hasSuffix("work_seconds_total 6.75\n"))
    }

    @Test("the same label values return the same child")
    func childrenAreCached() {
        let family = MetricsRegistry().counter(name: "hits_total", help: "Hits.", labelNames: ["route"])
        #expect(family.labels("/a") === family.labels("/a"))
        #expect(family.labels("/a") !== family.labels("/b"))
        #expect(family.labels(["/a"]) === family.labels("/a"))
    }

    @Test("increments from several threads at once give the exact total")
    func concurrentIncrements() {
        let counter = MetricsRegistry().counter(name: "events_total", help: "Events.")
        let threads = 8
        let perThread = 100_000
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<perThread { counter.increment() }
        }
        #expect(counter.value == Double(threads * perThread))
    }

    @Test("fractional increments from several threads lose nothing")
    func concurrentFractionalIncrements() {
        let counter = MetricsRegistry().counter(name: "cpu_seconds_total", help: "CPU.")
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            // 0.5 is exact in binary, so the expected sum is exact too.
            for _ in 0..<10_000 { counter.increment(by: 0.5) }
        }
        #expect(counter.value == 20_000)
    }

    @Test("a negative increment is a programmer error")
    func negativeIncrementTraps() async {
        await #expect(processExitsWith: .failure) {
            MetricsRegistry().counter(name: "x_total", help: "X.").increment(by: -1)
        }
    }
}
