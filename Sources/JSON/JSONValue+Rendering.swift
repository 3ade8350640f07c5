extension JSONValue {
    /// The value as pretty JSON: two-space indents, members in order, and arrays of scalars on one line
    /// (argv arrays read best that way). Ends without a newline.
    public func prettyPrinted(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return JSONValue.quoted(text)
        case .array(let elements):
            if elements.isEmpty { return "[]" }
            if elements.allSatisfy(\.isScalar) {
                return "[" + elements.map { $0.prettyPrinted() }.joined(separator: ", ") + "]"
            }
            return "[\n" + elements.map { inner + $0.prettyPrinted(indent: inner) }.joined(separator: ",\n")
                + "\n\(indent)]"
        case .object(let object):
            if object.members.isEmpty { return "{}" }
            let members = object.members.map {
                inner + JSONValue.quoted($0.key) + ": " + $0.value.prettyPrinted(indent: inner)
            }
            return "{\n" + members.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    /// Whether the value is neither an array nor an object.
    public var isScalar: Bool {
        switch self {
        case .array, .object: return false
        case .null, .bool, .integer, .double, .string: return true
        }
    }
}

extension JSONValue {
    /// The value as compact JSON on one line (for API bodies and NDJSON streams).
    public var compact: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .double(let number): return number.isFinite ? String(number) : "null"
        case .string(let text): return JSONValue.quoted(text)
        case .array(let elements): return "[" + elements.map(\.compact).joined(separator: ",") + "]"
        case .object(let object):
            return "{" + object.members.map { JSONValue.quoted($0.key) + ":" + $0.value.compact }.joined(separator: ",")
                + "}"
        }
    }

    /// Parses JSON text (strict RFC 8259, members kept in order).
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONParser.parse(bytes)
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The integer, if this is one (or a double with an integral value).
    public var intValue: Int? {
        switch self {
        case .integer(let number): return number
        case .double(let number) where number == number.rounded(): return Int(exactly: number)
        default: return nil
        }
    }

    /// The members, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
