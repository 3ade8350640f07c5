import RESP

// MARK: - Values and the primitives they are made of

extension RDBEncoder {
    /// Writes the type byte, the key and the value in the plain encoding of its type.
    mutating func writeValue(key: StoreKey, value: StoreValue) {
        switch value {
        case .stream(let stream):
            writeStream(key: key, stream: stream)
        case .string(let string):
            bytes.append(RDBConstant.typeString)
            writeString(key)
            writeString(string)
        case .inlineString(let string):
            bytes.append(RDBConstant.typeString)
            writeString(key)
            writeString(string)
        case .integer(let integer):
            bytes.append(RDBConstant.typeString)
            writeString(key)
            writeInteger(integer)
        case .list(let list):
            bytes.append(RDBConstant.typeList)
            writeString(key)
            writeLength(list.count)
            for index in 0..<list.count { writeString(list[index]) }
        case .set(let set):
            bytes.append(RDBConstant.typeSet)
            writeString(key)
            writeLength(set.count)
            for member in set.members { writeString(member) }
        case .sortedSet(let sortedSet):
            bytes.append(RDBConstant.typeZSet2)
            writeString(key)
            writeLength(sortedSet.count)
            for entry in sortedSet.entries {
                writeString(entry.member)
                writeLittleEndian(entry.score.bitPattern)
            }
        case .hash(let hash):
            bytes.append(RDBConstant.typeHash)
            writeString(key)
            writeLength(hash.count)
            for (field, fieldValue) in hash {
                writeString(field)
                writeString(fieldValue)
            }
        }
    }

    /// A length: 6 bits in one byte, 14 bits in two, else a marker and 32 or 64 bits big-endian.
    mutating func writeLength(_ length: Int) {
        precondition(length >= 0, "negative RDB length")
        if length < 1 << 6 {
            bytes.append(UInt8(length))
        } else if length < 1 << 14 {
            bytes.append(UInt8(0x40 | length >> 8))
            bytes.append(UInt8(length & 0xff))
        } else if length <= Int(UInt32.max) {
            bytes.append(RDBConstant.length32Bit)
            withUnsafeBytes(of: UInt32(length).bigEndian) { bytes.append(contentsOf: $0) }
        } else {
            bytes.append(RDBConstant.length64Bit)
            withUnsafeBytes(of: UInt64(length).bigEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// `value` in 8 bytes, little-endian.
    mutating func writeLittleEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A key or member as an RDB string.
    mutating func writeString(_ key: StoreKey) {
        key.withUnsafeBytes { writeString($0) }
    }

    /// Bytes as an RDB string.
    mutating func writeString(_ string: [UInt8]) {
        string.withUnsafeBytes { writeString($0) }
    }

    /// Bytes as an RDB string, as Redis's `rdbSaveRawString`: the integer encoding when they are the
    /// canonical form of a 32-bit integer, LZF when over 20 bytes and compression saves more than 4
    /// bytes, else length and bytes.
    mutating func writeString(_ string: UnsafeRawBufferPointer) {
        let count = string.count
        if count <= 11, let integer = RESPCommand.parseInteger(string), writeEncodedInteger(integer) { return }
        if compressesStrings, count > 20, let compressed = LZF.compress(string, maxOutputCount: count - 4),
            !compressed.isEmpty
        {
            bytes.append(0xC0 | UInt8(RDBConstant.encodingLZF))
            writeLength(compressed.count)
            writeLength(count)
            bytes.append(contentsOf: compressed)
            return
        }
        writeLength(count)
        bytes.append(contentsOf: string)
    }

    /// An integer string: encoded when it fits 32 bits, else its decimal digits.
    mutating func writeInteger(_ integer: Int) {
        if writeEncodedInteger(integer) { return }
        let digits = Array(String(integer).utf8)
        writeLength(digits.count)
        bytes.append(contentsOf: digits)
    }

    /// Writes the INT8, INT16 or INT32 string encoding of `integer`; false (nothing written) when it
    /// does not fit 32 bits.
    private mutating func writeEncodedInteger(_ integer: Int) -> Bool {
        if let small = Int8(exactly: integer) {
            bytes.append(0xC0 | UInt8(RDBConstant.encodingInt8))
            bytes.append(UInt8(bitPattern: small))
        } else if let medium = Int16(exactly: integer) {
            bytes.append(0xC0 | UInt8(RDBConstant.encodingInt16))
            withUnsafeBytes(of: medium.littleEndian) { bytes.append(contentsOf: $0) }
        } else if let large = Int32(exactly: integer) {
            bytes.append(0xC0 | UInt8(RDBConstant.encodingInt32))
            withUnsafeBytes(of: large.littleEndian) { bytes.append(contentsOf: $0) }
        } else {
            return false
        }
        return true
    }
}
