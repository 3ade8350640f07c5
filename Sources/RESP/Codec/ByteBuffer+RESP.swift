import Core

/// Direct RESP writers: a server builds replies with these, without a `RESPValue` in between.
///
/// They carry a `RESP` infix (`writeRESPInteger`, not `writeInteger`) because `ByteBuffer` is shared by
/// every codec and an unqualified `writeInteger` reads as a binary integer, as in SwiftNIO. Writers of
/// RESP3-only types take the connection's protocol and downgrade for RESP2 exactly as Redis does.
/// Simple strings and errors cannot carry CR or LF; like Redis's `addReplyErrorFormat`, those bytes
/// are written as spaces so a message built from user input never breaks the framing.
extension ByteBuffer {
    // MARK: - Simple types

    /// Appends a precomputed reply such as `+OK\r\n`.
    @inlinable
    public mutating func writeRESP(_ constant: RESPConstant) {
        constant.bytes.withUTF8Buffer { writeBytes(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `+<text>\r\n`.
    public mutating func writeRESPSimpleString(_ text: String) {
        writeRESPLine(UInt8(ascii: "+"), text)
    }

    /// Appends `-<message>\r\n`; `message` starts with the error code, as in `ERR unknown command`.
    public mutating func writeRESPError(_ message: String) {
        writeRESPLine(UInt8(ascii: "-"), message)
    }

    /// Appends `:<value>\r\n`.
    @inlinable
    public mutating func writeRESPInteger(_ value: Int) {
        writeRESPHeader(UInt8(ascii: ":"), value)
    }

    /// Appends `$<count>\r\n<bytes>\r\n`, reserving room once.
    @inlinable
    public mutating func writeRESPBulkString(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        writeWithUnsafeMutableBytes(minimumWritableBytes: count + 26) { out in
            var index = RESPWriting.header(UInt8(ascii: "$"), count, into: out)
            if count > 0 {
                (out.baseAddress! + index).copyMemory(from: bytes.baseAddress!, byteCount: count)
            }
            index += count
            out[index] = RESPScanning.cr
            out[index + 1] = RESPScanning.lf
            return index + 2
        }
    }

    /// Appends `$<count>\r\n<bytes>\r\n`.
    @inlinable
    public mutating func writeRESPBulkString<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { writeRESPBulkString(UnsafeRawBufferPointer($0)) }
        if done == nil { Array(bytes).withUnsafeBytes { writeRESPBulkString($0) } }
    }

    /// Appends the UTF-8 of `string` as a bulk string.
    public mutating func writeRESPBulkString(_ string: String) {
        var string = string
        string.withUTF8 { writeRESPBulkString(UnsafeRawBufferPointer($0)) }
    }

    /// Appends a null: `$-1\r\n` in RESP2, `_\r\n` in RESP3.
    @inlinable
    public mutating func writeRESPNull(protocol version: RESPProtocolVersion) {
        writeRESP(version == .resp3 ? .null : .nullBulkString)
    }

    /// Appends a null array: `*-1\r\n` in RESP2, `_\r\n` in RESP3.
    @inlinable
    public mutating func writeRESPNullArray(protocol version: RESPProtocolVersion) {
        writeRESP(version == .resp3 ? .null : .nullArray)
    }

    // MARK: - Aggregate headers

    /// Appends `*<count>\r\n`; `count` elements must follow.
    @inlinable
    public mutating func writeRESPArrayHeader(_ count: Int) {
        writeRESPHeader(UInt8(ascii: "*"), count)
    }

    /// Appends `%<count>\r\n` in RESP3, `*<2 * count>\r\n` in RESP2; `count` key-value pairs must follow.
    @inlinable
    public mutating func writeRESPMapHeader(_ count: Int, protocol version: RESPProtocolVersion) {
        if version == .resp3 {
            writeRESPHeader(UInt8(ascii: "%"), count)
        } else {
            writeRESPHeader(UInt8(ascii: "*"), count * 2)
        }
    }

    /// Appends `~<count>\r\n` in RESP3, `*<count>\r\n` in RESP2.
    @inlinable
    public mutating func writeRESPSetHeader(_ count: Int, protocol version: RESPProtocolVersion) {
        writeRESPHeader(version == .resp3 ? UInt8(ascii: "~") : UInt8(ascii: "*"), count)
    }

    /// Appends `><count>\r\n` in RESP3, `*<count>\r\n` in RESP2 (pub/sub messages are plain arrays there).
    @inlinable
    public mutating func writeRESPPushHeader(_ count: Int, protocol version: RESPProtocolVersion) {
        writeRESPHeader(version == .resp3 ? UInt8(ascii: ">") : UInt8(ascii: "*"), count)
    }

    /// Appends `|<count>\r\n` in RESP3 (`count` pairs, then the value they describe must follow); RESP2
    /// has no attributes, so the caller must not write the pairs there.
    public mutating func writeRESPAttributeHeader(_ count: Int) {
        writeRESPHeader(UInt8(ascii: "|"), count)
    }

    // MARK: - RESP3 scalars

    /// Appends `,<value>\r\n` in RESP3 and the same text as a bulk string in RESP2; `inf`, `-inf` and
    /// `nan` are spelled as the RESP3 specification does, integral values without a fraction as Redis does.
    public mutating func writeRESPDouble(_ value: Double, protocol version: RESPProtocolVersion) {
        let text = RESPWriting.format(value)
        if version == .resp3 {
            writeRESPLine(UInt8(ascii: ","), text)
        } else {
            writeRESPBulkString(text)
        }
    }

    /// Appends `#t\r\n`/`#f\r\n` in RESP3 and `:1\r\n`/`:0\r\n` in RESP2.
    @inlinable
    public mutating func writeRESPBoolean(_ value: Bool, protocol version: RESPProtocolVersion) {
        if version == .resp3 {
            writeRESPHeaderText(value ? "#t\r\n" : "#f\r\n")
        } else {
            writeRESP(value ? .one : .zero)
        }
    }

    /// Appends `(<digits>\r\n` in RESP3 and the digits as a bulk string in RESP2.
    public mutating func writeRESPBigNumber(_ digits: String, protocol version: RESPProtocolVersion) {
        if version == .resp3 {
            writeRESPLine(UInt8(ascii: "("), digits)
        } else {
            writeRESPBulkString(digits)
        }
    }

    /// Appends `=<n>\r\n<format>:<text>\r\n` in RESP3 and `text` as a bulk string in RESP2.
    /// `format` must be three bytes (`txt`, `mkd`).
    public mutating func writeRESPVerbatimString(
        _ text: some Collection<UInt8>, format: String = "txt", protocol version: RESPProtocolVersion
    ) {
        guard version == .resp3 else { return writeRESPBulkString(text) }
        precondition(format.utf8.count == 3, "a verbatim string format is three bytes")
        writeRESPHeader(UInt8(ascii: "="), text.count + 4)
        writeString(format)
        writeByte(UInt8(ascii: ":"))
        writeBytes(text)
        writeRESPHeaderText("\r\n")
    }

    /// Appends `!<n>\r\n<message>\r\n` in RESP3 and `-<message>\r\n` (CR and LF as spaces) in RESP2.
    public mutating func writeRESPBlobError(_ message: some Collection<UInt8>, protocol version: RESPProtocolVersion) {
        if version == .resp3 {
            writeRESPHeader(UInt8(ascii: "!"), message.count)
            writeBytes(message)
            writeRESPHeaderText("\r\n")
        } else {
            writeRESPError(String(decoding: message, as: UTF8.self))
        }
    }

    // MARK: - Building blocks

    /// Appends `<type><value>\r\n` with one capacity check.
    @inlinable
    public mutating func writeRESPHeader(_ type: UInt8, _ value: Int) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: 24) { out in RESPWriting.header(type, value, into: out) }
    }

    @inlinable
    mutating func writeRESPHeaderText(_ text: StaticString) {
        text.withUTF8Buffer { writeBytes(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `<type><text>\r\n` with CR and LF in `text` replaced by spaces.
    mutating func writeRESPLine(_ type: UInt8, _ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            _ = writeWithUnsafeMutableBytes(minimumWritableBytes: utf8.count + 3) { out in
                out[0] = type
                for (offset, byte) in utf8.enumerated() {
                    out[offset + 1] = byte == RESPScanning.cr || byte == RESPScanning.lf ? UInt8(ascii: " ") : byte
                }
                out[utf8.count + 1] = RESPScanning.cr
                out[utf8.count + 2] = RESPScanning.lf
                return utf8.count + 3
            }
        }
    }
}

/// Formatting shared by the writers.
@usableFromInline
enum RESPWriting {
    /// Writes `<type><value>\r\n` at the start of `out` (which has room for 24 bytes); returns the length.
    @inlinable
    static func header(_ type: UInt8, _ value: Int, into out: UnsafeMutableRawBufferPointer) -> Int {
        out[0] = type
        var index = 1
        if value < 0 { out[index] = UInt8(ascii: "-"); index += 1 }
        var magnitude = value.magnitude
        var digits = 1
        var scale: UInt = 10
        while digits < 20 && magnitude >= scale {
            digits += 1
            scale = scale &* 10
        }
        var position = index + digits - 1
        repeat {
            out[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
        index += digits
        out[index] = RESPScanning.cr
        out[index + 1] = RESPScanning.lf
        return index + 2
    }

    /// A double as Redis and the RESP3 specification spell it: `inf`, `-inf`, `nan`, shortest round-trip
    /// digits otherwise, and no `.0` on integral values.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
