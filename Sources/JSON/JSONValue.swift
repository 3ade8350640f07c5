/// A loosely typed JSON tree, the stage between a manifest's bytes and the frozen `StackSpec`.
///
/// Objects keep their members in document order: service order in `stack.json` is meaningful
/// (address allocation and start order break ties by it), and `JSONSerialization` would lose it.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number without fraction or exponent that fits an `Int`.
    case integer(Int)
    /// Any other number.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// How a value is named in "expected ..., got ..." problems: the kind, and the value for scalars.
    public var summary: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return JSONValue.quoted(value)
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// `value` as a JSON string literal, escapes included.
    public static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// A JSON object whose members keep document order; a repeated key replaces the earlier value in place.
public struct JSONObject: Sendable, Equatable {
    /// The members in document order, keys unique.
    public private(set) var members: [(key: String, value: JSONValue)] = []

    /// An empty object.
    public init() {}

    /// An object from members in order; a repeated key keeps the first position and the last value.
    public init(_ members: [(String, JSONValue)]) {
        for (key, value) in members { self[key] = value }
    }

    /// The member names in document order.
    public var keys: [String] { members.map(\.key) }

    /// The value of `key`, or `nil`; assigning `nil` removes the member.
    public subscript(key: String) -> JSONValue? {
        get { members.first(where: { $0.key == key })?.value }
        set {
            let index = members.firstIndex(where: { $0.key == key })
            switch (index, newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append((key, value))
            case (nil, nil): break
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension JSONValue {
    /// This value with `override` laid over it, as compose merges override files: objects merge
    /// member by member, recursively; arrays, scalars and a change of kind replace the value.
    public func merged(with override: JSONValue) -> JSONValue {
        guard case .object(var base) = self, case .object(let top) = override else { return override }
        for (key, value) in top.members {
            base[key] = base[key].map { $0.merged(with: value) } ?? value
        }
        return .object(base)
    }
}
