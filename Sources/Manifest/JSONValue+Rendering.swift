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
    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        case .null, .bool, .integer, .double, .string: return true
        }
    }
}
