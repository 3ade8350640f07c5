// Byte-level helpers for the HTTP scanners. Everything here works on raw bytes: no String, no Foundation,
// and no per-byte function calls once inlined.

/// ASCII bytes the HTTP grammar names.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let comma: UInt8 = 0x2C
    static let zero: UInt8 = 0x30

    /// Whether `byte` is a `tchar` (RFC 9110 section 5.6.2): the characters of methods and field names.
    ///
    /// A lookup in a 256-byte string literal (`1` marks a tchar): its bytes sit in the binary's read-only
    /// data, so there is no lazy global initialisation and no bounds check, one load per byte.
    @inline(__always)
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        let table: StaticString =
            "0000000000000000000000000000000001011111001101101111111111000000011111111111111111111111111000111111111111111111111111111110101000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        return table.utf8Start[Int(byte)] == UInt8(ascii: "1")
    }

    /// Whether `byte` may appear in a field value or reason phrase: VCHAR, obs-text, SP or HTAB.
    @inline(__always)
    static func isFieldValueCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x20 && byte != 0x7F) || byte == tab
    }

    /// `byte` with A-Z mapped to a-z; everything else unchanged (so `^` and `~` stay distinct).
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        if byte &- 0x30 < 10 { return Int(byte &- 0x30) }
        let lower = byte | 0x20
        if lower &- 0x61 < 6 { return Int(lower &- 0x61 &+ 10) }
        return nil
    }
}

extension UnsafeRawBufferPointer {
    /// The byte at `offset`, without bounds checks in release builds (callers stay within `count`).
    @inline(__always)
    func byte(_ offset: Int) -> UInt8 {
        assert(offset >= 0 && offset < count)
        return baseAddress.unsafelyUnwrapped.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// Offset of the first LF at or after `start`, or nil: eight bytes per step, like memchr.
    func firstLineFeed(from start: Int) -> Int? {
        guard let base = baseAddress else { return nil }
        var index = start
        let end = count
        let ones: UInt64 = 0x0101_0101_0101_0101
        while index &+ 8 <= end {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let candidate = word ^ (ones &* UInt64(ASCII.lf))
            // Classic "has zero byte": the lowest flagged byte is always a true match, so the trailing zero
            // count on the little-endian value finds the first LF.
            let found = (candidate &- ones) & ~candidate & (ones &* 0x80)
            if found != 0 { return index &+ (found.trailingZeroBitCount >> 3) }
            index &+= 8
        }
        while index < end {
            if base.load(fromByteOffset: index, as: UInt8.self) == ASCII.lf { return index }
            index &+= 1
        }
        return nil
    }

    /// Offset of the first byte in `range` that may not appear in a field value (a CTL other than HTAB, or
    /// DEL), or nil when all are allowed. Eight bytes per step; a flagged word is rechecked byte by byte
    /// because HTAB is a legal control character.
    func firstInvalidFieldValueByte(in range: Range<Int>) -> Int? {
        let base = baseAddress.unsafelyUnwrapped
        var index = range.lowerBound
        let end = range.upperBound
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high = ones &* 0x80
        while index &+ 8 <= end {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let below = (word &- ones &* 0x20) & ~word & high  // some byte < 0x20
            let del = word ^ (ones &* 0x7F)
            let isDel = (del &- ones) & ~del & high  // some byte == 0x7F
            if below | isDel != 0 { break }
            index &+= 8
        }
        while index < end {
            if !ASCII.isFieldValueCharacter(base.load(fromByteOffset: index, as: UInt8.self)) { return index }
            index &+= 1
        }
        return nil
    }

    /// Whether the bytes equal the ASCII `literal` exactly.
    func equals(_ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == count else { return false }
        guard count > 0 else { return true }
        return memcmpBytes(baseAddress.unsafelyUnwrapped, literal.utf8Start, count)
    }

    /// Whether the comma-separated list in `range` has an element equal to the lower-case ASCII `token`,
    /// ignoring ASCII case and the whitespace around elements.
    func listContains(_ range: Range<Int>, _ token: StaticString) -> Bool {
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start
            while end < range.upperBound && byte(end) != ASCII.comma { end &+= 1 }
            var low = start
            var high = end
            while low < high && (byte(low) == ASCII.space || byte(low) == ASCII.tab) { low &+= 1 }
            while high > low && (byte(high &- 1) == ASCII.space || byte(high &- 1) == ASCII.tab) { high &-= 1 }
            if equalsCaseInsensitive(low..<high, token) { return true }
            start = end &+ 1
        }
        return false
    }

    /// Whether `range` of the bytes equals the lower-case ASCII `literal`, ignoring ASCII case.
    func equalsCaseInsensitive(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == range.count else { return false }
        let other = literal.utf8Start
        var index = 0
        while index < range.count {
            if ASCII.lowercased(byte(range.lowerBound &+ index)) != other[index] { return false }
            index &+= 1
        }
        return true
    }
}

/// Byte-wise equality of two regions, a memcmp without importing Glibc into the codec.
func memcmpBytes(_ lhs: UnsafeRawPointer, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var index = 0
    while index < count {
        if lhs.load(fromByteOffset: index, as: UInt8.self) != rhs[index] { return false }
        index &+= 1
    }
    return true
}
