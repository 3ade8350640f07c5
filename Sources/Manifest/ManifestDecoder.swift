import Core
import JSON

/// Turns the merged, interpolated tree into model values, applying defaults and collecting a problem for
/// every wrong type, unknown field or out-of-range value instead of stopping at the first.
///
/// Each `decode…` returns `nil` (or a default) when its value is unusable; the problem is recorded.
struct ManifestDecoder {
    /// Everything found so far, in document order.
    var problems: [ManifestProblem] = []

    /// Records a problem at `path`.
    mutating func report(_ path: String, _ message: String) {
        problems.append(ManifestProblem(path: path, message: message))
    }

    /// Records "expected <what>, got <value>".
    mutating func expected(_ what: String, at path: String, got value: JSONValue) {
        report(path, "expected \(what), got \(value.summary)")
    }

    // MARK: - Objects

    /// The object at `path`, with a problem for each member outside `fields` (with a did-you-mean).
    mutating func object(_ value: JSONValue, at path: String, fields: [String], what: String) -> JSONObject? {
        guard case .object(let object) = value else {
            expected(what, at: path, got: value)
            return nil
        }
        for key in object.keys where !fields.contains(key) {
            if let suggestion = FieldSuggestion.closest(to: key, among: fields) {
                report(path.child(key), "unknown field (did you mean \"\(suggestion)\"?)")
            } else {
                report(path.child(key), "unknown field (expected one of \(fields.joined(separator: ", ")))")
            }
        }
        return object
    }

    // MARK: - Scalars

    mutating func string(_ value: JSONValue, at path: String) -> String? {
        guard case .string(let text) = value else {
            expected("a string", at: path, got: value)
            return nil
        }
        return text
    }

    mutating func integer(_ value: JSONValue, at path: String, in range: ClosedRange<Int>, what: String) -> Int? {
        guard case .integer(let number) = value, range.contains(number) else {
            expected(what, at: path, got: value)
            return nil
        }
        return number
    }

    mutating func bool(_ value: JSONValue, at path: String) -> Bool? {
        guard case .bool(let flag) = value else {
            expected("true or false", at: path, got: value)
            return nil
        }
        return flag
    }

    /// A Go-style duration string; `positive` rejects `0s`.
    mutating func duration(_ value: JSONValue, at path: String, positive: Bool = false) -> TimeAmount? {
        let what =
            positive
            ? "a positive duration such as \"500ms\", \"2s\" or \"1m30s\""
            : "a duration such as \"500ms\", \"2s\" or \"1m30s\""
        guard case .string(let text) = value, let amount = TimeAmount(duration: text), !positive || amount > .zero
        else {
            expected(what, at: path, got: value)
            return nil
        }
        return amount
    }

    /// An array of strings; each wrong element is its own problem.
    mutating func strings(_ value: JSONValue, at path: String, what: String = "an array of strings") -> [String]? {
        guard case .array(let elements) = value else {
            expected(what, at: path, got: value)
            return nil
        }
        var result: [String] = []
        var isValid = true
        for (offset, element) in elements.enumerated() {
            if let text = string(element, at: "\(path)[\(offset)]") { result.append(text) } else { isValid = false }
        }
        return isValid ? result : nil
    }

    /// An array of names, each checked with `isValid` and for repeats.
    mutating func names(_ value: JSONValue, at path: String, what: String, isValid: (String) -> Bool) -> [String] {
        guard let names = strings(value, at: path) else { return [] }
        var seen: Set<String> = []
        for (offset, name) in names.enumerated() {
            if !isValid(name) {
                report("\(path)[\(offset)]", "expected \(what), got \(JSONValue.quoted(name))")
            } else if !seen.insert(name).inserted {
                report("\(path)[\(offset)]", "\(name) is listed twice")
            }
        }
        return names
    }

    /// Whether `name` can name a service, profile or project: an ASCII letter or digit, then letters,
    /// digits, `_` and `-`, at most 63 characters. No `.`, so `{{service.attribute}}` stays unambiguous.
    static func isName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.count <= 63 else {
            return false
        }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
