/// LZF compression in liblzf's format, as Redis uses it for long strings in RDB files.
///
/// The format is a sequence of runs: a control byte below 32 starts `control + 1` literal bytes; any
/// other control byte is a back reference of `control >> 5` (7: plus a following byte) plus 2 bytes, at
/// distance `(control & 0x1f) << 8 | next byte` plus 1. The compressor is greedy with a hash of three
/// bytes, like liblzf's; its output is not byte-identical to liblzf's but any LZF decoder reads it.
/// Decompression checks every index and throws `LZFError` on malformed input, never traps.
public enum LZF {
    /// The farthest a back reference reaches.
    static let maxOffset = 1 << 13
    /// The longest back reference: 7 + 255 + 2 bytes.
    static let maxMatch = 264
    /// The longest literal run.
    static let maxLiteral = 32
    /// The most bits of the hash of three bytes, which indexes the table of last positions.
    static let maxHashBits = 14

    /// `input` compressed, or nil when the result would exceed `maxOutputCount` bytes (Redis asks for
    /// at most `count - 4`, so compression must save something to be used).
    public static func compress(_ input: [UInt8], maxOutputCount: Int) -> [UInt8]? {
        input.withUnsafeBytes { compress($0, maxOutputCount: maxOutputCount) }
    }

    /// `input` compressed, or nil when the result would exceed `maxOutputCount` bytes.
    public static func compress(_ input: UnsafeRawBufferPointer, maxOutputCount: Int) -> [UInt8]? {
        let count = input.count
        guard count > 0, maxOutputCount > 0 else { return count == 0 ? [] : nil }
        var output = [UInt8](repeating: 0, count: maxOutputCount)
        let written = output.withUnsafeMutableBytes { out -> Int? in
            // The table scales with the input (up to 2^14 slots): a snapshot compresses millions of short
            // strings, and clearing a full-size table for each would cost more than compressing them.
            let bits = Swift.min(maxHashBits, Swift.max(8, Int.bitWidth - count.leadingZeroBitCount))
            var hashTable = [Int32](repeating: -1, count: 1 << bits)
            return hashTable.withUnsafeMutableBufferPointer { table -> Int? in
                var op = 0
                var literalStart = 0
                var ip = 0

                func flushLiterals(upTo end: Int) -> Bool {
                    var start = literalStart
                    while start < end {
                        let run = Swift.min(maxLiteral, end - start)
                        guard op + 1 + run <= maxOutputCount else { return false }
                        out[op] = UInt8(run - 1)
                        op += 1
                        for index in 0..<run { out[op + index] = input[start + index] }
                        op += run
                        start += run
                    }
                    literalStart = end
                    return true
                }

                func hash(_ position: Int) -> Int {
                    let value =
                        UInt32(input[position]) << 16 | UInt32(input[position + 1]) << 8 | UInt32(input[position + 2])
                    return Int((value &* 2_654_435_761) >> UInt32(32 - bits))
                }

                while ip + 2 < count {
                    let slot = hash(ip)
                    let reference = Int(table[slot])
                    table[slot] = Int32(truncatingIfNeeded: ip)
                    if reference >= 0, reference < ip, ip - reference <= maxOffset, input[reference] == input[ip],
                        input[reference + 1] == input[ip + 1], input[reference + 2] == input[ip + 2]
                    {
                        var length = 3
                        let limit = Swift.min(count - ip, maxMatch)
                        while length < limit && input[reference + length] == input[ip + length] { length += 1 }
                        guard flushLiterals(upTo: ip) else { return nil }
                        let offset = ip - reference - 1
                        let encodedLength = length - 2
                        if encodedLength < 7 {
                            guard op + 2 <= maxOutputCount else { return nil }
                            out[op] = UInt8(encodedLength << 5 | offset >> 8)
                            out[op + 1] = UInt8(offset & 0xff)
                            op += 2
                        } else {
                            guard op + 3 <= maxOutputCount else { return nil }
                            out[op] = UInt8(7 << 5 | offset >> 8)
                            out[op + 1] = UInt8(encodedLength - 7)
                            out[op + 2] = UInt8(offset & 0xff)
                            op += 3
                        }
                        let end = ip + length
                        ip += 1
                        while ip < end {
                            if ip + 2 < count { table[hash(ip)] = Int32(truncatingIfNeeded: ip) }
                            ip += 1
                        }
                        literalStart = ip
                    } else {
                        ip += 1
                    }
                }
                guard flushLiterals(upTo: count) else { return nil }
                return op
            }
        }
        guard let written else { return nil }
        output.removeLast(maxOutputCount - written)
        return output
    }

    /// `input` decompressed to exactly `count` bytes; throws `LZFError` when it is malformed, runs past
    /// its end, reaches back before the start, or does not produce exactly `count` bytes.
    public static func decompress(_ input: [UInt8], count: Int) throws -> [UInt8] {
        try input.withUnsafeBytes { (bytes) throws -> [UInt8] in try decompress(bytes, count: count) }
    }

    /// `input` decompressed to exactly `count` bytes (see `decompress(_:count:)`).
    public static func decompress(_ input: UnsafeRawBufferPointer, count: Int) throws -> [UInt8] {
        guard count >= 0 else { throw LZFError(reason: "negative length") }
        var output = [UInt8](repeating: 0, count: count)
        let produced = try output.withUnsafeMutableBytes { (out) throws -> Int in
            var ip = 0
            var op = 0
            let inputCount = input.count
            while ip < inputCount {
                let control = Int(input[ip])
                ip += 1
                if control < 32 {
                    let run = control + 1
                    guard ip + run <= inputCount else {
                        throw LZFError(reason: "literal run past the end of the input")
                    }
                    guard op + run <= count else { throw LZFError(reason: "output longer than declared") }
                    for index in 0..<run { out[op + index] = input[ip + index] }
                    ip += run
                    op += run
                } else {
                    var length = control >> 5
                    if length == 7 {
                        guard ip < inputCount else {
                            throw LZFError(reason: "back reference past the end of the input")
                        }
                        length += Int(input[ip])
                        ip += 1
                    }
                    guard ip < inputCount else { throw LZFError(reason: "back reference past the end of the input") }
                    let reference = op - ((control & 0x1f) << 8) - 1 - Int(input[ip])
                    ip += 1
                    length += 2
                    guard reference >= 0 else { throw LZFError(reason: "back reference before the start") }
                    guard op + length <= count else { throw LZFError(reason: "output longer than declared") }
                    // Byte by byte: the source may overlap the bytes being written (a run).
                    for index in 0..<length { out[op + index] = out[reference + index] }
                    op += length
                }
            }
            return op
        }
        guard produced == count else { throw LZFError(reason: "output shorter than declared") }
        return output
    }
}
