import Core
import Testing

@testable import Manifest

@Suite struct TimeAmountDurationTests {
    @Test(
        "Go and compose duration strings parse to nanoseconds",
        arguments: [
            ("500ms", 500_000_000), ("2s", 2_000_000_000), ("1m30s", 90_000_000_000), ("1h", 3_600_000_000_000),
            ("1.5s", 1_500_000_000), ("0s", 0), ("0", 0), ("250us", 250_000), ("250µs", 250_000), ("10ns", 10),
            ("1h2m3s4ms", 3_723_004_000_000),
        ] as [(String, Int64)])
    func valid(text: String, nanoseconds: Int64) {
        #expect(TimeAmount(duration: text) == TimeAmount(nanoseconds: nanoseconds))
    }

    @Test("anything else is rejected", arguments: ["", "5", "s", "-1s", "1.2.3s", "2 s", "1d", "ms5", "1e3s"])
    func invalid(text: String) {
        #expect(TimeAmount(duration: text) == nil)
    }
}
