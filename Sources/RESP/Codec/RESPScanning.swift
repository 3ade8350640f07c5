/// Byte-level helpers shared by the decoders: number parsing with Redis's rules and terminator search.
///
/// Everything works on raw pointers inside `withUnsafeReadableBytes`; no `String` is built.
@usableFromInline
enum RESPScanning {
    /// ASCII bytes the decoders compare against.
    @usableFromInline static let cr = UInt8(ascii: "\r")
    @usableFromInline static let lf = UInt8(ascii: "\n")

    /// Parses `bytes[start..<end]` as a decimal integer exactly as Redis's `string2ll` does: an optional
    /// `-`, then `0` alone or a digit 1-9 followed by digits, at most 20 characters, no overflow. Redis
    /// rejects `+1`, `01`, `-0` and spaces, and so do we, so what we accept is what Redis accepts.
    @inlinable
    static func parseInteger(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        let length = end - start
        // LONG_STR_SIZE is 21: "-9223372036854775808" plus the terminator.
        guard length > 0, length < 21 else { return nil }
        var index = start
        if length == 1 && bytes[index] == UInt8(ascii: "0") { return 0 }
        var isNegative = false
        if bytes[index] == UInt8(ascii: "-") {
            isNegative = true
            index += 1
            if index == end { return nil }
        }
        let first = bytes[index] &- UInt8(ascii: "0")
        guard first >= 1 && first <= 9 else { return nil }
        var magnitude = UInt64(first)
        index += 1
        while index < end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
            index += 1
        }
        if isNegative {
            guard magnitude <= UInt64(Int.max) + 1 else { return nil }
            return Int(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { return nil }
        return Int(magnitude)
    }

    /// Index of the first `byte` in `bytes[start..<end]`, or nil.
    @inlinable
    static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }
}
