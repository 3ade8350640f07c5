import Core
import Testing

@testable import Metrics

@Suite struct ProcessMetricsTests {
    /// The value of the unlabelled sample `name` in `exposition`.
    private func sample(_ name: String, in exposition: String) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    @Test("process metrics read from /proc are sane")
    func sane() throws {
        let registry = MetricsRegistry()
        ProcessMetrics.register(in: registry)
        let exposition = registry.render()
        let resident = try #require(sample("process_resident_memory_bytes", in: exposition))
        let virtual = try #require(sample("process_virtual_memory_bytes", in: exposition))
        let openFDs = try #require(sample("process_open_fds", in: exposition))
        let maxFDs = try #require(sample("process_max_fds", in: exposition))
        let start = try #require(sample("process_start_time_seconds", in: exposition))
        let cpu = try #require(sample("process_cpu_seconds_total", in: exposition))
        #expect(resident > 0)
        #expect(virtual >= resident)
        #expect(openFDs >= 3)  // at least stdin, stdout and stderr
        #expect(maxFDs > openFDs)
        let now = wallClockSeconds()
        // Clock ticks are 1/100 s, and btime is rounded to the second: allow a little slack above now.
        #expect(start <= now + 1)
        #expect(start > now - 3600)
        #expect(cpu >= 0)
    }

    @Test("the CPU time grows as the process works")
    func cpuGrows() throws {
        let registry = MetricsRegistry()
        ProcessMetrics.register(in: registry)
        let before = try #require(sample("process_cpu_seconds_total", in: registry.render()))
        var spin: UInt64 = 0
        let deadline = Instant.now + .milliseconds(100)
        while Instant.now < deadline { spin &+= 1 }
        let after = try #require(sample("process_cpu_seconds_total", in: registry.render()))
        #expect(after > before, "spun \(spin) times")
    }
}
