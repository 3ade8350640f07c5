import RESP

/// Builds a listpack (Redis's listpack.c) element by element, with the encodings Redis picks: strings
/// that are the canonical text of a 64-bit integer are stored as integers, in the narrowest of the 7,
/// 13, 16, 24, 32 and 64-bit forms; other strings with a 6, 12 or 32-bit length. Every element is
/// followed by its back length, so the list can be walked from the end. Pure, no I/O.
struct ListpackWriter {
    /// The header (total bytes, element count) plus the end marker.
    static let overhead = 7

    /// The elements' bytes, without header and end marker.
    private(set) var body: [UInt8] = []
    /// How many elements.
    private(set) var count = 0

    /// The listpack's total size in bytes once finished.
    var totalBytes: Int { body.count + Self.overhead }

    /// Appends `value`, integer-encoded when it is an integer's canonical text (as `lpAppend`).
    mutating func append(_ value: [UInt8]) {
        let integer = value.count < 21 ? value.withUnsafeBytes { RESPCommand.parseInteger($0) } : nil
        if let integer { return append(Int64(integer)) }
        let start = body.count
        let length = value.count
        if length < 64 {
            body.append(0x80 | UInt8(length))
        } else if length < 4096 {
            body.append(0xE0 | UInt8(length >> 8))
            body.append(UInt8(length & 0xff))
        } else {
            body.append(0xF0)
            withUnsafeBytes(of: UInt32(length).littleEndian) { body.append(contentsOf: $0) }
        }
        body.append(contentsOf: value)
        finishElement(from: start)
    }

    /// Appends an integer in the narrowest encoding (as `lpAppendInteger`).
    mutating func append(_ value: Int64) {
        let start = body.count
        switch value {
        case 0...127:
            body.append(UInt8(value))
        case -4096...4095:
            let bits = UInt16(bitPattern: Int16(value)) & 0x1fff
            body.append(0xC0 | UInt8(bits >> 8))
            body.append(UInt8(bits & 0xff))
        case -32768...32767:
            body.append(0xF1)
            appendLittleEndian(UInt64(bitPattern: value), byteCount: 2)
        case -8_388_608...8_388_607:
            body.append(0xF2)
            appendLittleEndian(UInt64(bitPattern: value), byteCount: 3)
        case -2_147_483_648...2_147_483_647:
            body.append(0xF3)
            appendLittleEndian(UInt64(bitPattern: value), byteCount: 4)
        default:
            body.append(0xF4)
            appendLittleEndian(UInt64(bitPattern: value), byteCount: 8)
        }
        finishElement(from: start)
    }

    /// Appends every element of `other`, in order.
    mutating func append(contentsOf other: ListpackWriter) {
        body.append(contentsOf: other.body)
        count += other.count
    }

    /// The listpack: total bytes and element count (65535 meaning "count them") little-endian, the
    /// elements, and the end marker 0xFF.
    func finished() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(totalBytes)
        withUnsafeBytes(of: UInt32(totalBytes).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt16(min(count, Int(UInt16.max))).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: body)
        bytes.append(0xFF)
        return bytes
    }

    /// How many bytes the back length of an element of `length` bytes takes (Redis's `lpEncodeBacklen`:
    /// 7 bits per byte, with its thresholds, which are one short of the powers of two from 2 bytes on).
    static func backLengthSize(_ length: Int) -> Int {
        if length <= 127 { return 1 }
        if length < 16383 { return 2 }
        if length < 2_097_151 { return 3 }
        if length < 268_435_455 { return 4 }
        return 5
    }

    private mutating func appendLittleEndian(_ value: UInt64, byteCount: Int) {
        for index in 0..<byteCount { body.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }

    /// Writes the back length of the element that starts at `start`: its 7-bit groups, most significant
    /// first, every byte but the first with the high bit set.
    private mutating func finishElement(from start: Int) {
        let length = body.count - start
        let size = Self.backLengthSize(length)
        for group in stride(from: size - 1, through: 0, by: -1) {
            let bits = UInt8((length >> (7 * group)) & 127)
            body.append(group == size - 1 ? bits : bits | 128)
        }
        count += 1
    }
}
