// MARK: - Ziplists, listpacks, intsets and zipmaps: the blobs inside compact encodings

extension RDBDecoder {
    /// Reads a string and runs `parse` over it with a reader whose errors name offsets in the file.
    static func parseBlob(
        _ reader: inout RDBReader, _ parse: (inout RDBReader) throws -> [[UInt8]]
    ) throws -> [[UInt8]] {
        let start = reader.offset
        let blob = try reader.readString()
        return try blob.withUnsafeBytes { bytes in
            var blobReader = RDBReader(bytes, baseOffset: start)
            return try parse(&blobReader)
        }
    }

    /// The elements of a ziplist (integers as decimal digits).
    static func ziplistElements(_ reader: inout RDBReader) throws -> [[UInt8]] {
        guard reader.remaining >= 11 else { throw reader.error(.malformed, "ziplist too short") }
        let totalBytes = try reader.readLittleEndian(byteCount: 4, signed: false)
        guard totalBytes == reader.bytes.count else { throw reader.error(.malformed, "ziplist size mismatch") }
        try reader.skip(6)  // tail offset and entry count: hints
        var elements: [[UInt8]] = []
        while true {
            let first = try reader.readByte()
            if first == 0xFF { break }
            if first == 0xFE { try reader.skip(4) }  // else the previous length is this one byte
            let encoding = try reader.readByte()
            switch encoding >> 6 {
            case 0:
                elements.append(Array(try reader.readBytes(Int(encoding & 0x3f))))
            case 1:
                let length = Int(encoding & 0x3f) << 8 | Int(try reader.readByte())
                elements.append(Array(try reader.readBytes(length)))
            case 2:
                guard encoding == 0x80 else { throw reader.error(.malformed, "invalid ziplist string encoding") }
                let length = try reader.readBigEndian(byteCount: 4)
                elements.append(Array(try reader.readBytes(Int(length))))
            default:
                let value: Int64
                switch encoding {
                case 0xC0: value = try reader.readLittleEndian(byteCount: 2, signed: true)
                case 0xD0: value = try reader.readLittleEndian(byteCount: 4, signed: true)
                case 0xE0: value = try reader.readLittleEndian(byteCount: 8, signed: true)
                case 0xF0: value = try reader.readLittleEndian(byteCount: 3, signed: true)
                case 0xFE: value = try reader.readLittleEndian(byteCount: 1, signed: true)
                case 0xF1...0xFD: value = Int64(encoding & 0x0f) - 1
                default: throw reader.error(.malformed, "invalid ziplist integer encoding")
                }
                elements.append(RDBReader.decimal(value))
            }
        }
        guard reader.isAtEnd else { throw reader.error(.malformed, "bytes after the ziplist end") }
        return elements
    }

    /// The elements of a listpack (integers as decimal digits).
    static func listpackElements(_ reader: inout RDBReader) throws -> [[UInt8]] {
        guard reader.remaining >= 7 else { throw reader.error(.malformed, "listpack too short") }
        let totalBytes = try reader.readLittleEndian(byteCount: 4, signed: false)
        guard totalBytes == reader.bytes.count else { throw reader.error(.malformed, "listpack size mismatch") }
        try reader.skip(2)  // element count: a hint
        var elements: [[UInt8]] = []
        while true {
            let encoding = try reader.readByte()
            if encoding == 0xFF { break }
            let entryLength: Int
            if encoding & 0x80 == 0 {
                elements.append(RDBReader.decimal(Int64(encoding)))
                entryLength = 1
            } else if encoding & 0xC0 == 0x80 {
                let length = Int(encoding & 0x3f)
                elements.append(Array(try reader.readBytes(length)))
                entryLength = 1 + length
            } else if encoding & 0xE0 == 0xC0 {
                var value = Int64(encoding & 0x1f) << 8 | Int64(try reader.readByte())
                if value >= 1 << 12 { value -= 1 << 13 }
                elements.append(RDBReader.decimal(value))
                entryLength = 2
            } else if encoding & 0xF0 == 0xE0 {
                let length = Int(encoding & 0x0f) << 8 | Int(try reader.readByte())
                elements.append(Array(try reader.readBytes(length)))
                entryLength = 2 + length
            } else {
                switch encoding {
                case 0xF0:
                    let length = Int(try reader.readLittleEndian(byteCount: 4, signed: false))
                    elements.append(Array(try reader.readBytes(length)))
                    entryLength = 5 + length
                case 0xF1, 0xF2, 0xF3:
                    let byteCount = Int(encoding - 0xF1) + 2
                    elements.append(RDBReader.decimal(try reader.readLittleEndian(byteCount: byteCount, signed: true)))
                    entryLength = 1 + byteCount
                case 0xF4:
                    elements.append(RDBReader.decimal(try reader.readLittleEndian(byteCount: 8, signed: true)))
                    entryLength = 9
                default:
                    throw reader.error(.malformed, "invalid listpack encoding")
                }
            }
            // The back length: the entry's length in 7-bit groups, read only when walking backwards.
            try reader.skip(ListpackWriter.backLengthSize(entryLength))
        }
        guard reader.isAtEnd else { throw reader.error(.malformed, "bytes after the listpack end") }
        return elements
    }

    /// The members of an intset, as decimal digits.
    static func intsetElements(_ reader: inout RDBReader) throws -> [[UInt8]] {
        let width = Int(try reader.readLittleEndian(byteCount: 4, signed: false))
        guard width == 2 || width == 4 || width == 8 else { throw reader.error(.malformed, "invalid intset encoding") }
        let count = Int(try reader.readLittleEndian(byteCount: 4, signed: false))
        guard count * width == reader.remaining else { throw reader.error(.malformed, "intset size mismatch") }
        var elements: [[UInt8]] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(RDBReader.decimal(try reader.readLittleEndian(byteCount: width, signed: true)))
        }
        return elements
    }

    /// The fields and values of a zipmap, alternating.
    static func zipmapElements(_ reader: inout RDBReader) throws -> [[UInt8]] {
        _ = try reader.readByte()  // the count, 254 and up meaning "count them"
        var elements: [[UInt8]] = []
        while true {
            guard let fieldLength = try zipmapLength(&reader) else { break }
            elements.append(Array(try reader.readBytes(fieldLength)))
            guard let valueLength = try zipmapLength(&reader) else {
                throw reader.error(.malformed, "zipmap field without a value")
            }
            let free = Int(try reader.readByte())
            elements.append(Array(try reader.readBytes(valueLength)))
            try reader.skip(free)
        }
        guard reader.isAtEnd else { throw reader.error(.malformed, "bytes after the zipmap end") }
        return elements
    }

    /// A zipmap length: one byte below 254, or 254 and four bytes little-endian; nil at the end (255).
    private static func zipmapLength(_ reader: inout RDBReader) throws -> Int? {
        let first = try reader.readByte()
        switch first {
        case 255: return nil
        case 254: return Int(try reader.readLittleEndian(byteCount: 4, signed: false))
        default: return Int(first)
        }
    }
}
