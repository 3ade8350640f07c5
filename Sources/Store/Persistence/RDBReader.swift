/// A bounds-checked cursor over RDB bytes: every read checks what is left and throws `RDBError`, never
/// traps. Also used over the blobs inside a value (ziplists, listpacks, intsets), with `baseOffset` set
/// to where the blob's bytes start so errors name the offset in the file.
struct RDBReader {
    /// The bytes read; valid while the decoder runs.
    let bytes: UnsafeRawBufferPointer
    /// The next byte to read.
    var offset = 0
    /// Where `bytes` start in the file, for error offsets.
    let baseOffset: Int

    init(_ bytes: UnsafeRawBufferPointer, baseOffset: Int = 0) {
        self.bytes = bytes
        self.baseOffset = baseOffset
    }

    /// Bytes not yet read.
    var remaining: Int { bytes.count - offset }

    /// Whether every byte has been read.
    var isAtEnd: Bool { offset >= bytes.count }

    /// An error at the current position.
    func error(_ code: RDBError.Code, _ reason: String) -> RDBError {
        RDBError(code, reason, at: baseOffset + offset)
    }

    mutating func readByte() throws -> UInt8 {
        guard offset < bytes.count else { throw error(.truncated, "unexpected end of data") }
        let byte = bytes[offset]
        offset += 1
        return byte
    }

    /// The next byte, without consuming it.
    func peekByte() throws -> UInt8 {
        guard offset < bytes.count else { throw error(.truncated, "unexpected end of data") }
        return bytes[offset]
    }

    /// The next `count` bytes, as a view valid while `bytes` is.
    mutating func readBytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw error(.truncated, "unexpected end of data") }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        offset += count
        return slice
    }

    /// Skips `count` bytes.
    mutating func skip(_ count: Int) throws {
        _ = try readBytes(count)
    }

    /// A little-endian integer of `byteCount` bytes (1...8), sign-extended when `signed`.
    mutating func readLittleEndian(byteCount: Int, signed: Bool) throws -> Int64 {
        let raw = try readBytes(byteCount)
        var value: UInt64 = 0
        for index in 0..<byteCount { value |= UInt64(raw[index]) << (8 * UInt64(index)) }
        if signed, byteCount < 8, value & (1 << (8 * UInt64(byteCount) - 1)) != 0 {
            value |= ~0 << (8 * UInt64(byteCount))
        }
        return Int64(bitPattern: value)
    }

    /// A big-endian unsigned integer of `byteCount` bytes.
    mutating func readBigEndian(byteCount: Int) throws -> UInt64 {
        let raw = try readBytes(byteCount)
        var value: UInt64 = 0
        for index in 0..<byteCount { value = value << 8 | UInt64(raw[index]) }
        return value
    }

    /// A length (Redis's `rdbLoadLen`): 6, 14, 32 or 64 bits. Throws on a special string encoding.
    mutating func readLength() throws -> Int {
        let (length, isEncoded) = try readLengthOrEncoding()
        guard !isEncoded else { throw error(.malformed, "unexpected string encoding where a length belongs") }
        return length
    }

    /// A length of up to 64 bits (stream IDs and counters, which may pass `Int.max`).
    mutating func readUnsignedLength() throws -> UInt64 {
        let first = try readByte()
        switch first {
        case RDBConstant.length32Bit: return try readBigEndian(byteCount: 4)
        case RDBConstant.length64Bit: return try readBigEndian(byteCount: 8)
        default:
            offset -= 1
            return UInt64(try readLength())
        }
    }

    /// A length, or (when `isEncoded`) the number of a special string encoding.
    mutating func readLengthOrEncoding() throws -> (length: Int, isEncoded: Bool) {
        let first = try readByte()
        switch first >> 6 {
        case 0:
            return (Int(first & 0x3f), false)
        case 1:
            return (Int(first & 0x3f) << 8 | Int(try readByte()), false)
        case 2:
            let value: UInt64
            switch first {
            case RDBConstant.length32Bit: value = try readBigEndian(byteCount: 4)
            case RDBConstant.length64Bit: value = try readBigEndian(byteCount: 8)
            default: throw error(.malformed, "unknown length encoding \(first)")
            }
            guard value <= UInt64(Int.max) else { throw error(.malformed, "length out of range") }
            return (Int(value), false)
        default:
            return (Int(first & 0x3f), true)
        }
    }

    /// A string (Redis's `rdbGenericLoadStringObject`): raw, integer-encoded (returned as its decimal
    /// digits) or LZF-compressed.
    mutating func readString() throws -> [UInt8] {
        let start = offset
        let (length, isEncoded) = try readLengthOrEncoding()
        guard isEncoded else { return Array(try readBytes(length)) }
        switch length {
        case RDBConstant.encodingInt8:
            return Self.decimal(try readLittleEndian(byteCount: 1, signed: true))
        case RDBConstant.encodingInt16:
            return Self.decimal(try readLittleEndian(byteCount: 2, signed: true))
        case RDBConstant.encodingInt32:
            return Self.decimal(try readLittleEndian(byteCount: 4, signed: true))
        case RDBConstant.encodingLZF:
            let compressedLength = try readLength()
            let length = try readLength()
            let compressed = try readBytes(compressedLength)
            // A back reference of 3 bytes yields at most 264: a longer claim is corrupt, and checking it
            // first keeps a forged length from allocating gigabytes.
            guard length <= compressed.count * 88 else {
                throw RDBError(
                    .malformed, "LZF length \(length) impossible for \(compressedLength) bytes", at: baseOffset + start)
            }
            do {
                return try LZF.decompress(compressed, count: length)
            } catch let error as LZFError {
                throw RDBError(.malformed, "invalid LZF compressed string (\(error.reason))", at: baseOffset + start)
            }
        default:
            throw RDBError(.malformed, "unknown string encoding \(length)", at: baseOffset + start)
        }
    }

    /// A double stored as text with a one-byte length (RDB_TYPE_ZSET): 253 NaN, 254 +inf, 255 -inf.
    mutating func readStringDouble() throws -> Double {
        let length = try readByte()
        switch length {
        case 253: return .nan
        case 254: return .infinity
        case 255: return -.infinity
        default:
            let text = try readBytes(Int(length))
            guard let value = Double(String(decoding: text, as: UTF8.self)) else {
                throw error(.malformed, "invalid double value")
            }
            return value
        }
    }

    /// A double as 8 little-endian bytes (RDB_TYPE_ZSET_2).
    mutating func readBinaryDouble() throws -> Double {
        Double(bitPattern: UInt64(bitPattern: try readLittleEndian(byteCount: 8, signed: false)))
    }

    /// The decimal digits of `value`.
    static func decimal(_ value: Int64) -> [UInt8] { Array(String(value).utf8) }
}
