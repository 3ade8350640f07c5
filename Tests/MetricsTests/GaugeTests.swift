import Foundation
import Testing

@testable import Metrics

@Suite struct GaugeTests {
    @Test("a gauge renders its value after set, increment, decrement and add")
    func exposition() {
        let registry = MetricsRegistry()
        let connections = registry.gauge(name: "open_connections", help: "Open connections.", labelNames: ["port"])
        connections.labels("80").set(10)
        connections.labels("80").increment()
        connections.labels("80").decrement(by: 3)
        connections.labels("443").add(2.5)
        connections.labels("443").add(-1)
        #expect(
            registry.render() == """
                # HELP open_connections Open connections.
                # TYPE open_connections gauge
                open_connections{port="443"} 1.5
                open_connections{port="80"} 8

                """)
    }

    @Test("special values render as Prometheus spells them")
    func specialValues() {
        let registry = MetricsRegistry()
        let family = registry.gauge(name: "odd_values", help: "Odd values.", labelNames: ["case"])
        family.labels("a").set(.infinity)
        family.labels("b").set(-.infinity)
        family.labels("c").set(.nan)
        family.labels("d").set(-2)
        family.labels("e").set(1e20)
        family.labels("f").set(0.001)
        let lines = registry.render().split(separator: "\n").dropFirst(2)
        #expect(
            Array(lines) == [
                "odd_values{case=\"a\"} +Inf", "odd_values{case=\"b\"} -Inf", "odd_values{case=\"c\"} NaN",
                "odd_values{case=\"d\"} -2", "odd_values{case=\"e\"} 1e+20", "odd_values{case=\"f\"} 0.001",
            ])
    }

    @Test("concurrent adds from several threads give the exact result")
    func concurrentAdds() {
        let gauge = MetricsRegistry().gauge(name: "inflight", help: "In flight.")
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            for _ in 0..<10_000 {
                if index % 2 == 0 { gauge.increment(by: 3) } else { gauge.decrement() }
            }
        }
        #expect(gauge.value == 40_000)
    }
}
