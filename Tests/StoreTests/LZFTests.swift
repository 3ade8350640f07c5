import Store
import Testing

@Suite struct LZFTests {
    private func roundTrip(_ input: [UInt8]) throws {
        let compressed = try #require(LZF.compress(input, maxOutputCount: input.count + input.count / 32 + 16))
        #expect(try LZF.decompress(compressed, count: input.count) == input)
    }

    @Test("random data round-trips")
    func randomData() throws {
        var generator = SystemRandomNumberGenerator()
        for count in [2, 3, 31, 32, 33, 100, 10_000, 100_000] {
            try roundTrip((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
    }

    @Test("repetitive data round-trips and shrinks")
    func repetitiveData() throws {
        let input = Array(String(repeating: "abcabcabd", count: 2000).utf8) + [UInt8](repeating: 7, count: 5000)
        try roundTrip(input)
        let compressed = try #require(LZF.compress(input, maxOutputCount: input.count - 4))
        #expect(compressed.count < input.count / 10)
    }

    @Test("empty and one-byte inputs round-trip")
    func tinyInputs() throws {
        try roundTrip([])
        try roundTrip([42])
    }

    @Test("compression gives up when the output would exceed the limit")
    func limit() {
        var generator = SystemRandomNumberGenerator()
        let input = (0..<200).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(LZF.compress(input, maxOutputCount: input.count - 4) == nil)
    }

    @Test("malformed input throws instead of trapping")
    func malformed() {
        // A literal run longer than the input.
        #expect(throws: LZFError.self) { try LZF.decompress([5, 1, 2], count: 6) }
        // A back reference before the start.
        #expect(throws: LZFError.self) { try LZF.decompress([0x20, 0x00], count: 3) }
        // Output longer than declared.
        #expect(throws: LZFError.self) { try LZF.decompress([2, 1, 2, 3], count: 2) }
        // Output shorter than declared.
        #expect(throws: LZFError.self) { try LZF.decompress([0, 1], count: 2) }
        // A back reference cut off.
        #expect(throws: LZFError.self) { try LZF.decompress([0, 1, 0xE0], count: 20) }
    }

    @Test("every truncation and corruption of a compressed string throws or decodes, never traps")
    func corruption() throws {
        let input = Array(String(repeating: "hello world, hello redis! ", count: 20).utf8)
        let compressed = try #require(LZF.compress(input, maxOutputCount: input.count))
        for end in 0..<compressed.count {
            #expect(throws: LZFError.self) { try LZF.decompress(Array(compressed[..<end]), count: input.count) }
        }
        for index in compressed.indices {
            var corrupt = compressed
            corrupt[index] ^= 0xA5
            _ = try? LZF.decompress(corrupt, count: input.count)
        }
    }
}
