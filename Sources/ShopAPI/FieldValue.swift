import JSON

/// The value parsers of the classic routes: each takes what a client sent (a JSON value, or query text)
/// and returns the normalised value, or nil when it is not acceptable. Pure.
///
/// The classic Flask service stored every field as a string, so its clients send numbers and flags both
/// as JSON scalars and as strings: every parser here accepts both spellings.
public enum FieldValue {
    /// Longest accepted text field, in characters.
    public static let maximumTextLength = 200
    /// Longest accepted email address, in bytes (RFC 5321's path limit).
    public static let maximumEmailLength = 254

    /// A non-empty line of text of at most `maximumTextLength` characters; numbers become their text.
    public static func text(_ value: JSONValue) -> String? {
        let text: String
        switch value {
        case .string(let string): text = string
        case .integer(let number): text = String(number)
        case .double(let number): text = String(number)
        case .null, .bool, .array, .object: return nil
        }
        guard !text.isEmpty, text.count <= maximumTextLength,
            text.unicodeScalars.contains(where: { $0 != " " }),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return nil }
        return text
    }

    /// An email address: `local@domain`, one `@`, a dotted domain, no spaces, quotes or brackets.
    public static func email(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 5, bytes.count <= maximumEmailLength,
            let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at <= 64,
            !bytes[(at + 1)...].contains(UInt8(ascii: "@"))
        else { return nil }
        let forbidden = Array(" \"(),:;<>[\\]".utf8)
        guard !bytes.contains(where: { $0 < 0x21 || $0 == 0x7F || forbidden.contains($0) }) else { return nil }
        let domain = bytes[(at + 1)...]
        let dot = UInt8(ascii: ".")
        guard domain.count >= 3, domain.contains(dot), domain.first != dot, domain.last != dot,
            domain.first != UInt8(ascii: "-"),
            !zip(domain, domain.dropFirst()).contains(where: { $0 == dot && $1 == dot })
        else { return nil }
        return text
    }

    /// An email address sent as a JSON string.
    public static func email(_ value: JSONValue) -> String? {
        guard case .string(let text) = value else { return nil }
        return email(text)
    }

    /// Most digits of a positive integer written as text: `Int.max` has 19.
    public static let maximumIntegerDigits = 19

    /// A positive integer (1 or more) that fits 63 bits (up to `Int.max`, as a JSON integer may), written
    /// with at most `maximumIntegerDigits` digits only. The same range as a JSON integer's, so an id a body
    /// creates can always be named in a path or query.
    public static func positiveInteger(_ text: String) -> Int? {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maximumIntegerDigits,
            utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let number = Int(text), number > 0
        else { return nil }
        return number
    }

    /// A positive integer sent as a JSON integer or as a string of digits.
    public static func positiveInteger(_ value: JSONValue) -> Int? {
        switch value {
        case .integer(let number): return number > 0 ? number : nil
        case .string(let text): return positiveInteger(text)
        case .double, .null, .bool, .array, .object: return nil
        }
    }

    /// A flag: `true`/`false`, or the strings `"true"`/`"false"` (any case, as Python writes `True`), `"1"`/`"0"`,
    /// or the integers 1 and 0.
    public static func flag(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case .integer(1): return true
        case .integer(0): return false
        case .string(let text):
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: return nil
            }
        case .integer, .double, .null, .array, .object: return nil
        }
    }

    /// A calendar date `YYYY-MM-DD` (ISO 8601) that exists: months 1-12, days within the month, leap years.
    public static func calendarDate(_ value: JSONValue) -> String? {
        guard case .string(let text) = value else { return nil }
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var result = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                result = result * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return result
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), year >= 1,
            (1...12).contains(month)
        else { return nil }
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day) ? text : nil
    }

    /// An amount of 0 or more, as a JSON number or a decimal string (`12`, `12.50`), normalised to its
    /// shortest plain decimal text: `"012.50"` is `"12.5"`, `1e-3` is `"0.001"`. Nil for negatives,
    /// non-numbers, exponents in strings, and more than 30 digits.
    public static func decimal(_ value: JSONValue) -> String? {
        switch value {
        case .integer(let number): return number >= 0 ? String(number) : nil
        case .double(let number):
            guard number.isFinite, number >= 0 else { return nil }
            return plainDecimal(fromSwiftDescription: String(number))
        case .string(let text): return normalisedDecimal(text)
        case .null, .bool, .array, .object: return nil
        }
    }

    /// `digits[.digits]` normalised: no leading zeros before the point (but one), no trailing zeros after it.
    static func normalisedDecimal(_ text: String) -> String? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let isDigits: (Substring) -> Bool = {
            !$0.isEmpty && $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
        guard text.utf8.count <= 31, parts.allSatisfy(isDigits) else { return nil }
        var whole = parts[0].drop(while: { $0 == "0" })
        if whole.isEmpty { whole = "0" }
        guard parts.count == 2 else { return String(whole) }
        var fraction = parts[1]
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    }

    /// The plain decimal of a non-negative `Double`'s description (`12.5`, `1e-05`, `1.5e+20`).
    static func plainDecimal(fromSwiftDescription description: String) -> String? {
        let parts = description.split(separator: "e", maxSplits: 1)
        guard let exponent = parts.count == 2 ? Int(parts[1]) : 0, abs(exponent) <= 30 else { return nil }
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = String(mantissa[0])
        let fraction = mantissa.count == 2 ? String(mantissa[1]) : ""
        var digits = whole + fraction
        var point = whole.count + exponent
        if point < 0 {
            digits = String(repeating: "0", count: -point) + digits
            point = 0
        }
        if point > digits.count { digits += String(repeating: "0", count: point - digits.count) }
        let index = digits.index(digits.startIndex, offsetBy: point)
        let text = point == digits.count ? String(digits) : "\(digits[..<index]).\(digits[index...])"
        return normalisedDecimal(point == 0 ? "0" + text : text)
    }
}
