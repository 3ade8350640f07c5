/// Decoding of `%XX` escapes in paths and query strings (RFC 3986), and of `+` in form-encoded queries.
public enum PercentEncoding {
    /// Decodes `%XX` escapes; malformed escapes are kept as they are. With `plusAsSpace`, `+` is a space
    /// (application/x-www-form-urlencoded, as query strings are written).
    public static func decode<S: StringProtocol>(_ text: S, plusAsSpace: Bool = false) -> String {
        let percent = UInt8(ascii: "%")
        let plus = UInt8(ascii: "+")
        guard text.utf8.contains(where: { $0 == percent || (plusAsSpace && $0 == plus) }) else { return String(text) }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == percent, index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            out.append(plusAsSpace && byte == plus ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
