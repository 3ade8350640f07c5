/// Inline commands (`SET k "hello world"`), split by the rules of Redis's `sdssplitargs`.
extension RESPCommandDecoder {
    /// Splits the line `bytes[start..<end]` into arguments appended to `batch` as one command; returns
    /// the argument count (0 for a blank line, which appends nothing).
    ///
    /// Rules, as in Redis: arguments are separated by blanks (`isspace`); an unquoted argument ends at a
    /// space, tab, CR, LF or NUL; `"..."` understands `\n \r \t \b \a`, `\xHH` and `\<any>`; `'...'`
    /// understands only `\'`; a quote may open mid-argument (`a"b c"` is `ab c`); a closing quote must be
    /// followed by a blank or the end of the line; an unterminated quote throws
    /// "unbalanced quotes in request". Like the C original the line ends at its first NUL byte.
    static func splitInline(
        _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, into batch: inout RESPCommandBatch
    ) throws -> Int {
        let end = RESPScanning.firstIndex(of: 0, in: bytes, from: start, to: end) ?? end
        // The C code reads a NUL-terminated string; reading 0 past the end keeps its logic intact.
        func at(_ index: Int) -> UInt8 { index < end ? bytes[index] : 0 }
        let mark = batch.mark
        var position = start
        var count = 0
        while true {
            while position < end && isSpace(bytes[position]) { position += 1 }
            if position >= end { return count }
            if count == 0 { batch.beginCommand() }
            var inDoubleQuotes = false
            var inSingleQuotes = false
            var done = false
            while !done {
                let byte = at(position)
                if inDoubleQuotes {
                    if byte == UInt8(ascii: "\\") && at(position + 1) == UInt8(ascii: "x")
                        && isHexDigit(at(position + 2)) && isHexDigit(at(position + 3))
                    {
                        batch.appendByte(hexValue(at(position + 2)) << 4 | hexValue(at(position + 3)))
                        position += 3
                    } else if byte == UInt8(ascii: "\\") && at(position + 1) != 0 {
                        position += 1
                        batch.appendByte(unescaped(at(position)))
                    } else if byte == UInt8(ascii: "\"") {
                        if at(position + 1) != 0 && !isSpace(at(position + 1)) { throw unbalanced(&batch, mark) }
                        done = true
                    } else if byte == 0 {
                        throw unbalanced(&batch, mark)
                    } else {
                        batch.appendByte(byte)
                    }
                } else if inSingleQuotes {
                    if byte == UInt8(ascii: "\\") && at(position + 1) == UInt8(ascii: "'") {
                        position += 1
                        batch.appendByte(UInt8(ascii: "'"))
                    } else if byte == UInt8(ascii: "'") {
                        if at(position + 1) != 0 && !isSpace(at(position + 1)) { throw unbalanced(&batch, mark) }
                        done = true
                    } else if byte == 0 {
                        throw unbalanced(&batch, mark)
                    } else {
                        batch.appendByte(byte)
                    }
                } else {
                    switch byte {
                    case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), 0:
                        done = true
                    case UInt8(ascii: "\""): inDoubleQuotes = true
                    case UInt8(ascii: "'"): inSingleQuotes = true
                    default: batch.appendByte(byte)
                    }
                }
                if at(position) != 0 { position += 1 }
            }
            batch.endArgument()
            count += 1
        }
    }

    private static func unbalanced(_ batch: inout RESPCommandBatch, _ mark: RESPCommandBatch.Mark) -> RESPError {
        batch.rollBack(to: mark)
        return RESPError(.malformedInput, "unbalanced quotes in request")
    }

    /// C's `isspace` in the C locale.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0d)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10
    }

    private static func unescaped(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "n"): UInt8(ascii: "\n")
        case UInt8(ascii: "r"): UInt8(ascii: "\r")
        case UInt8(ascii: "t"): UInt8(ascii: "\t")
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "a"): 0x07
        default: byte
        }
    }
}
