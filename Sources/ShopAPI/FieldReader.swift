import JSON

/// Reads the fields of one request body, collecting a problem per bad field instead of stopping at the
/// first, so a 422 names every field that is wrong. Pure.
///
/// ```swift
/// var reader = FieldReader(body)
/// let email = reader.read("email", "must be an email address", FieldValue.email)
/// try reader.finish()   // throws ShopError.validation naming each problem
/// ```
public struct FieldReader {
    /// The body being read.
    public let object: JSONObject
    /// The problems so far, in the order found.
    public private(set) var problems: [(name: String, problem: String)] = []

    /// A reader of `object`'s members.
    public init(_ object: JSONObject) {
        self.object = object
    }

    /// The value of field `name` parsed by `parse`, or nil with a problem recorded: `is required` when the
    /// field is absent or null, `expectation` when `parse` rejects it.
    public mutating func read<T>(_ name: String, _ expectation: String, _ parse: (JSONValue) -> T?) -> T? {
        guard let value = object[name], value != .null else {
            problems.append((name, "is required"))
            return nil
        }
        guard let parsed = parse(value) else {
            problems.append((name, expectation))
            return nil
        }
        return parsed
    }

    /// Throws `ShopError.validation` when any field had a problem.
    public func finish() throws(ShopError) {
        if !problems.isEmpty { throw ShopError.validation(problems) }
    }
}
