import Core

// The shared output routines of the two encoders: whole heads are written with one capacity check and
// plain memory copies, never through String.

extension ByteBuffer {
    /// Appends an ASCII literal (its bytes are in the binary: no allocation, no lazy initialisation).
    @inline(__always)
    mutating func writeStatic(_ literal: StaticString) {
        writeBytes(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends `HTTP/x.y`.
    mutating func writeVersion(_ version: HTTPVersion) {
        if version == .http1_1 {
            writeStatic("HTTP/1.1")
        } else if version == .http1_0 {
            writeStatic("HTTP/1.0")
        } else {
            writeStatic("HTTP/")
            writeDecimal(Int(version.major))
            writeByte(UInt8(ascii: "."))
            writeDecimal(Int(version.minor))
        }
    }

    /// Appends every field as `name: value\r\n`, reserving room for all of them first.
    mutating func writeFields(_ headers: HTTPHeaders) {
        guard !headers.fields.isEmpty else { return }
        var total = 0
        for field in headers.fields { total += Int(field.nameLength) + Int(field.valueLength) + 4 }
        headers.bytes.withUnsafeBytes { source in
            let base = source.baseAddress!
            writeWithUnsafeMutableBytes(minimumWritableBytes: total) { out in
                let target = out.baseAddress!
                var offset = 0
                for field in headers.fields {
                    (target + offset).copyMemory(from: base + Int(field.nameStart), byteCount: Int(field.nameLength))
                    offset += Int(field.nameLength)
                    target.storeBytes(of: ASCII.colon, toByteOffset: offset, as: UInt8.self)
                    target.storeBytes(of: ASCII.space, toByteOffset: offset + 1, as: UInt8.self)
                    offset += 2
                    (target + offset).copyMemory(from: base + Int(field.valueStart), byteCount: Int(field.valueLength))
                    offset += Int(field.valueLength)
                    target.storeBytes(of: ASCII.cr, toByteOffset: offset, as: UInt8.self)
                    target.storeBytes(of: ASCII.lf, toByteOffset: offset + 1, as: UInt8.self)
                    offset += 2
                }
                return offset
            }
        }
    }

    /// Appends the framing header for `framing`, unless `headers` already has Content-Length or
    /// Transfer-Encoding (the caller's own framing wins), then the empty line that ends the head.
    mutating func writeFramingAndEnd(_ framing: HTTPBodyFraming, headers: HTTPHeaders) {
        switch framing {
        case .none:
            break
        case .length(let length):
            precondition(length >= 0, "negative HTTP body length")
            if !headers.hasFramingField {
                writeContentLengthAndEnd(length)
                return
            }
        case .chunked:
            if !headers.hasFramingField { writeStatic("Transfer-Encoding: chunked\r\n") }
        }
        writeStatic("\r\n")
    }

    /// Appends `Content-Length: <length>\r\n\r\n`, the usual end of a response head.
    ///
    /// One pass over the spare capacity: one capacity and uniqueness check instead of four (literal, decimal,
    /// two CRLFs), which are most of what a small write costs.
    private mutating func writeContentLengthAndEnd(_ length: Int) {
        let name: StaticString = "Content-Length: "
        var digits = 1
        var rest = length / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        writeWithUnsafeMutableBytes(minimumWritableBytes: name.utf8CodeUnitCount + digits + 4) { out in
            let target = out.baseAddress!
            target.copyMemory(from: name.utf8Start, byteCount: name.utf8CodeUnitCount)
            let end = name.utf8CodeUnitCount + digits
            var value = length
            var offset = end
            repeat {
                offset -= 1
                target.storeBytes(of: ASCII.zero + UInt8(value % 10), toByteOffset: offset, as: UInt8.self)
                value /= 10
            } while value > 0
            target.storeBytes(of: ASCII.cr, toByteOffset: end, as: UInt8.self)
            target.storeBytes(of: ASCII.lf, toByteOffset: end + 1, as: UInt8.self)
            target.storeBytes(of: ASCII.cr, toByteOffset: end + 2, as: UInt8.self)
            target.storeBytes(of: ASCII.lf, toByteOffset: end + 3, as: UInt8.self)
            return end + 4
        }
    }

    /// Appends one chunk: hexadecimal size, CRLF, the bytes, CRLF. Nothing for an empty chunk, which would
    /// read as the last one.
    mutating func writeHTTPChunk(_ chunk: ByteBuffer) {
        let count = chunk.readableBytes
        guard count > 0 else { return }
        reserveWritable(count + 20)
        var digits = 0
        var rest = count
        while rest > 0 {
            digits += 1
            rest >>= 4
        }
        var shift = (digits - 1) * 4
        while shift >= 0 {
            let nibble = UInt8((count >> shift) & 0xF)
            writeByte(nibble < 10 ? ASCII.zero + nibble : UInt8(ascii: "a") + nibble - 10)
            shift -= 4
        }
        writeStatic("\r\n")
        writeBuffer(chunk)
        writeStatic("\r\n")
    }

    /// Appends the last chunk, the trailer fields, and the empty line that ends the body.
    mutating func writeHTTPLastChunk(trailers: HTTPHeaders) {
        writeStatic("0\r\n")
        writeFields(trailers)
        writeStatic("\r\n")
    }
}

extension HTTPHeaders {
    /// Whether a Content-Length or Transfer-Encoding field is present: compares lengths before bytes, so this
    /// is cheap for the usual handful of fields.
    var hasFramingField: Bool {
        bytes.withUnsafeBytes { raw in
            fields.contains { field in
                switch field.nameLength {
                case 14: raw.equalsCaseInsensitive(field.nameRange, "content-length")
                case 17: raw.equalsCaseInsensitive(field.nameRange, "transfer-encoding")
                default: false
                }
            }
        }
    }
}
