import Core
import Testing

@testable import Metrics

@Suite struct ByteBufferExpositionTests {
    @Test(
        "sample values are formatted so that Prometheus parses them back exactly",
        arguments: [
            (0.0, "0"), (-0.0, "0"), (1, "1"), (-7, "-7"), (0.005, "0.005"), (2.5, "2.5"), (1e20, "1e+20"),
            (1e-7, "1e-07"), (9_007_199_254_740_991, "9007199254740991"), (.infinity, "+Inf"), (-.infinity, "-Inf"),
            (.nan, "NaN"),
        ])
    func sampleValues(value: Double, expected: String) {
        var buffer = ByteBuffer()
        buffer.writeSampleValue(value)
        #expect(buffer.description == expected)
        if value.isFinite { #expect(Double(expected) == value) }
    }
}
