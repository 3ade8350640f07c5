import Core
import Synchronization
import Testing

@testable import Metrics

@Suite struct MetricsRegistryTests {
    @Test("families are rendered sorted by name, each with one HELP and one TYPE line")
    func sortedFamilies() {
        let registry = MetricsRegistry()
        registry.gauge(name: "zeta", help: "Last.").set(1)
        registry.counter(name: "alpha_total", help: "First.").increment()
        registry.gauge(name: "mid", help: "Middle.", labelNames: ["k"]).labels("b").set(2)
        registry.gauge(name: "mid", help: "Middle.", labelNames: ["k"]).labels("a").set(3)
        #expect(
            registry.render() == """
                # HELP alpha_total First.
                # TYPE alpha_total counter
                alpha_total 1
                # HELP mid Middle.
                # TYPE mid gauge
                mid{k="a"} 3
                mid{k="b"} 2
                # HELP zeta Last.
                # TYPE zeta gauge
                zeta 1

                """)
    }

    @Test("label values escape backslash, double quote and newline")
    func labelEscaping() {
        let registry = MetricsRegistry()
        registry.gauge(name: "paths", help: "Paths.", labelNames: ["path"]).labels("C:\\dir \"x\"\nnext").set(1)
        #expect(registry.render().hasSuffix(#"paths{path="C:\\dir \"x\"\nnext"} 1"# + "\n"))
    }

    @Test("help text escapes backslash and newline but not double quotes")
    func helpEscaping() {
        let registry = MetricsRegistry()
        _ = registry.gauge(name: "quirky", help: "A \"quoted\" back\\slash\nand a second line.")
        #expect(registry.render().hasPrefix(#"# HELP quirky A "quoted" back\\slash\nand a second line."# + "\n"))
    }

    @Test("registering a name again with the same type returns the same family")
    func reRegistration() {
        let registry = MetricsRegistry()
        let first = registry.counter(name: "jobs_total", help: "Jobs.", labelNames: ["queue"])
        let second = registry.counter(name: "jobs_total", help: "Jobs.", labelNames: ["queue"])
        #expect(first === second)
        #expect(registry.gauge(name: "depth", help: "Depth.") === registry.gauge(name: "depth", help: "Depth."))
    }

    @Test("registering a name again with another type is a programmer error")
    func typeClashTraps() async {
        await #expect(processExitsWith: .failure) {
            let registry = MetricsRegistry()
            _ = registry.gauge(name: "things", help: "Things.")
            _ = registry.histogram(name: "things", help: "Things.")
        }
    }

    @Test("registering a name again with other label names is a programmer error")
    func labelClashTraps() async {
        await #expect(processExitsWith: .failure) {
            let registry = MetricsRegistry()
            _ = registry.gauge(name: "things", help: "Things.", labelNames: ["a"])
            _ = registry.gauge(name: "things", help: "Things.", labelNames: ["b"])
        }
    }

    @Test("a counter without the _total suffix is a programmer error")
    func counterSuffixTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = MetricsRegistry().counter(name: "requests", help: "Requests.")
        }
    }

    @Test("the wrong number of label values is a programmer error")
    func labelCountTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = MetricsRegistry().counter(name: "a_total", help: "A.", labelNames: ["x", "y"]).labels("only one")
        }
    }

    @Test("a labelled family with no children yet is left out of the exposition")
    func emptyFamiliesOmitted() {
        let registry = MetricsRegistry()
        _ = registry.counter(name: "unused_total", help: "Unused.", labelNames: ["x"])
        #expect(registry.render() == "")
    }

    @Test("collectors run before each render and can set gauges")
    func collectors() {
        let registry = MetricsRegistry()
        let keys = registry.gauge(name: "keyspace_keys", help: "Keys.")
        let scrapes = Atomic<Int>(0)
        registry.addCollector {
            let count = scrapes.add(1, ordering: .relaxed).newValue
            keys.set(Double(count * 10))
        }
        #expect(registry.render().hasSuffix("keyspace_keys 10\n"))
        #expect(registry.render().hasSuffix("keyspace_keys 20\n"))
    }

    @Test("rendering into a ByteBuffer appends the same text as the String form")
    func byteBufferRendering() {
        let registry = MetricsRegistry()
        registry.counter(name: "b_total", help: "B.").increment(by: 7)
        var buffer = ByteBuffer(string: "prefix\n")
        registry.render(into: &buffer)
        #expect(buffer.description == "prefix\n" + registry.render())
    }

    @Test("the event loop lag family is one gauge per loop")
    func eventLoopLag() {
        let registry = MetricsRegistry()
        registry.eventLoopLag.labels("0").set(0.002)
        registry.eventLoopLag.labels("1").set(0)
        #expect(registry.eventLoopLag === registry.eventLoopLag)
        #expect(
            registry.render().hasSuffix(
                "eventloop_lag_seconds{loop=\"0\"} 0.002\neventloop_lag_seconds{loop=\"1\"} 0\n"))
    }

    @Test("the content type is Prometheus text format 0.0.4")
    func contentType() {
        #expect(MetricsRegistry.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }
}
