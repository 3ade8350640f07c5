import Core

/// SplitMix64: a tiny deterministic generator, so "random" splits are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// How input reaches a decoder in the tests: whole, a byte at a time, or in random pieces.
enum Feeding: CustomStringConvertible, CaseIterable {
    case whole, byteAtATime, randomSplits

    var description: String {
        switch self {
        case .whole: "whole"
        case .byteAtATime: "byte at a time"
        case .randomSplits: "random splits"
        }
    }

    /// Chunk sizes covering `count` bytes.
    func chunks(of count: Int, seed: UInt64 = 42) -> [Int] {
        switch self {
        case .whole: return [count]
        case .byteAtATime: return Array(repeating: 1, count: count)
        case .randomSplits:
            var generator = SeededGenerator(seed: seed &+ UInt64(count))
            var chunks: [Int] = []
            var left = count
            while left > 0 {
                let chunk = Int.random(in: 1...Swift.max(1, Swift.min(left, 17)), using: &generator)
                chunks.append(chunk)
                left -= chunk
            }
            return chunks
        }
    }

    /// Appends `bytes` to one buffer chunk by chunk, calling `decode` until it returns nil after each
    /// append; returns every decoded item and the bytes left over.
    func run<T>(
        _ bytes: [UInt8], seed: UInt64 = 42, _ decode: (inout ByteBuffer) throws -> T?
    ) throws -> (items: [T], left: Int) {
        var buffer = ByteBuffer()
        var items: [T] = []
        var offset = 0
        for chunk in chunks(of: bytes.count, seed: seed) {
            buffer.writeBytes(bytes[offset..<offset + chunk])
            offset += chunk
            while let item = try decode(&buffer) { items.append(item) }
        }
        return (items, buffer.readableBytes)
    }
}

extension Array where Element == UInt8 {
    /// The UTF-8 of `string`, for readable test input.
    init(_ string: String) { self = Array(string.utf8) }
}
