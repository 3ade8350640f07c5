import Store

/// Builds RDB files by hand, for encodings our encoder never writes (ziplists, listpacks, intsets...).
struct RDBFileBuilder {
    var bytes: [UInt8]
    let version: Int

    init(version: Int) {
        self.version = version
        let digits = String(version)
        bytes = Array(("REDIS" + String(repeating: "0", count: 4 - digits.count) + digits).utf8)
    }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func length(_ value: Int) {
        if value < 64 {
            bytes.append(UInt8(value))
        } else if value < 16384 {
            bytes += [UInt8(0x40 | value >> 8), UInt8(value & 0xff)]
        } else {
            bytes.append(0x80)
            bytes += withUnsafeBytes(of: UInt32(value).bigEndian, Array.init)
        }
    }

    mutating func string(_ value: [UInt8]) {
        length(value.count)
        bytes += value
    }

    mutating func string(_ value: String) { string(Array(value.utf8)) }

    mutating func key(type: UInt8, _ key: String) {
        bytes.append(type)
        string(key)
    }

    /// EOF, then (from version 5) the CRC-64, or zeros when `checksum` is false.
    func finished(checksum: Bool = true) -> [UInt8] {
        var file = bytes + [255]
        if version >= 5 {
            let crc = checksum ? CRC64.checksum(file) : 0
            file += withUnsafeBytes(of: crc.littleEndian, Array.init)
        }
        return file
    }
}

/// An entry of a ziplist or listpack: a string or an integer.
enum PackedEntry {
    case string(String)
    case integer(Int)
}

/// A ziplist of `entries` with the encodings Redis picks.
func ziplist(_ entries: [PackedEntry]) -> [UInt8] {
    var body: [UInt8] = []
    var previousLength = 0
    for entry in entries {
        var encoded: [UInt8] = []
        switch entry {
        case .string(let text):
            let bytes = Array(text.utf8)
            precondition(bytes.count < 64)
            encoded = [UInt8(bytes.count)] + bytes
        case .integer(let value):
            if (0...12).contains(value) {
                encoded = [0xF1 + UInt8(value)]
            } else if let small = Int8(exactly: value) {
                encoded = [0xFE, UInt8(bitPattern: small)]
            } else if let medium = Int16(exactly: value) {
                encoded = [0xC0] + withUnsafeBytes(of: medium.littleEndian, Array.init)
            } else if Int32(exactly: value) != nil, value >= -(1 << 23), value < 1 << 23 {
                encoded = [0xF0] + withUnsafeBytes(of: Int32(value).littleEndian, Array.init).prefix(3)
            } else {
                encoded = [0xE0] + withUnsafeBytes(of: Int64(value).littleEndian, Array.init)
            }
        }
        let previous: [UInt8] =
            previousLength < 254
            ? [UInt8(previousLength)] : [0xFE] + withUnsafeBytes(of: UInt32(previousLength).littleEndian, Array.init)
        body += previous + encoded
        previousLength = previous.count + encoded.count
    }
    let total = UInt32(10 + body.count + 1)
    return withUnsafeBytes(of: total.littleEndian, Array.init) + [10, 0, 0, 0]
        + withUnsafeBytes(of: UInt16(entries.count).littleEndian, Array.init) + body + [0xFF]
}

/// A listpack of `entries` with the encodings Redis picks.
func listpack(_ entries: [PackedEntry]) -> [UInt8] {
    var body: [UInt8] = []
    for entry in entries {
        var encoded: [UInt8]
        switch entry {
        case .string(let text):
            let bytes = Array(text.utf8)
            precondition(bytes.count < 64)
            encoded = [0x80 | UInt8(bytes.count)] + bytes
        case .integer(let value):
            if (0...127).contains(value) {
                encoded = [UInt8(value)]
            } else if (-4096...4095).contains(value) {
                let bits = UInt16(bitPattern: Int16(value)) & 0x1fff
                encoded = [0xC0 | UInt8(bits >> 8), UInt8(bits & 0xff)]
            } else if let medium = Int16(exactly: value) {
                encoded = [0xF1] + withUnsafeBytes(of: medium.littleEndian, Array.init)
            } else {
                encoded = [0xF4] + withUnsafeBytes(of: Int64(value).littleEndian, Array.init)
            }
        }
        precondition(encoded.count < 128)
        body += encoded + [UInt8(encoded.count)]
    }
    let total = UInt32(6 + body.count + 1)
    return withUnsafeBytes(of: total.littleEndian, Array.init)
        + withUnsafeBytes(of: UInt16(entries.count).littleEndian, Array.init) + body + [0xFF]
}

/// An intset of 16-bit or 32-bit members.
func intset(_ members: [Int], width: Int) -> [UInt8] {
    var bytes = withUnsafeBytes(of: UInt32(width).littleEndian, Array.init)
    bytes += withUnsafeBytes(of: UInt32(members.count).littleEndian, Array.init)
    for member in members {
        bytes +=
            width == 2
            ? withUnsafeBytes(of: Int16(member).littleEndian, Array.init)
            : withUnsafeBytes(of: Int32(member).littleEndian, Array.init)
    }
    return bytes
}
