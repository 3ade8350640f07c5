/// The header fields of a message: an ordered list of name/value pairs with case-insensitive lookup.
///
/// Names and values live back to back in one byte array, with a compact index of offsets beside it: a decoded
/// head costs two allocations however many fields it has, lookups compare bytes without building Strings, and
/// the encoders copy the bytes straight out. `String` views are made on demand by `first(name:)`, the
/// subscript and iteration. Duplicate names are kept, in order, as received.
public struct HTTPHeaders: Sendable {
    /// Where one field's name and value sit in `bytes`.
    struct Field: Sendable, Hashable {
        var nameStart: UInt32
        var nameLength: UInt32
        var valueStart: UInt32
        var valueLength: UInt32

        var nameRange: Range<Int> { Int(nameStart)..<Int(nameStart) + Int(nameLength) }
        var valueRange: Range<Int> { Int(valueStart)..<Int(valueStart) + Int(valueLength) }
    }

    /// Names and values; bytes of removed fields may linger until the next append compacts nothing: they are
    /// simply no longer indexed.
    var bytes: [UInt8]
    /// The live fields, in order.
    var fields: [Field]

    /// No fields.
    public init() {
        bytes = []
        fields = []
    }

    /// The fields in order; names and values must not contain CR, LF or NUL (see `add(name:value:)`).
    public init(_ pairs: [(name: String, value: String)]) {
        self.init()
        for (name, value) in pairs { add(name: name, value: value) }
    }

    /// Adopts decoded storage; the decoder has validated every byte.
    init(bytes: [UInt8], fields: [Field]) {
        self.bytes = bytes
        self.fields = fields
    }

    // MARK: - Lookup

    /// The value of the first field called `name` (ASCII case-insensitive), or nil.
    public func first(name: String) -> String? {
        guard let index = firstIndex(name: name) else { return nil }
        return string(fields[index].valueRange)
    }

    /// Whether some field is called `name` (ASCII case-insensitive).
    public func contains(name: String) -> Bool {
        firstIndex(name: name) != nil
    }

    /// The values of every field called `name` (ASCII case-insensitive), in order.
    public subscript(name: String) -> [String] {
        var result: [String] = []
        forEachIndex(name: name) { result.append(string(fields[$0].valueRange)) }
        return result
    }

    /// Whether a comma-separated list in the fields called `name` holds `token` (both ASCII case-insensitive),
    /// as `Connection: keep-alive, Upgrade` holds `upgrade`. Whitespace around list elements is ignored.
    public func containsToken(_ token: String, inFieldsNamed name: String) -> Bool {
        var token = token
        return token.withUTF8 { wanted in
            var found = false
            forEachIndex(name: name) { index in
                if !found { found = valueList(fields[index].valueRange, contains: wanted) }
            }
            return found
        }
    }

    /// `containsToken(_:inFieldsNamed:)` for literals, the hot-path form: one pass over the fields comparing
    /// name lengths first, no String work. Both literals must be lower-case.
    func containsToken(_ token: StaticString, inFieldsNamedLowercase name: StaticString) -> Bool {
        let nameLength = name.utf8CodeUnitCount
        return bytes.withUnsafeBytes { raw in
            for field in fields
            where Int(field.nameLength) == nameLength && raw.equalsCaseInsensitive(field.nameRange, name)
                && raw.listContains(field.valueRange, token)
            {
                return true
            }
            return false
        }
    }

    // MARK: - Mutation

    /// Appends a field, keeping any others with the same name.
    ///
    /// - Precondition: neither `name` nor `value` contains CR, LF or NUL, and `name` is not empty. Headers are
    ///   built by program code; letting a line break through would allow response splitting, so this traps
    ///   rather than encoding a broken message. Values taken from user input must be checked first.
    public mutating func add(name: String, value: String) {
        var name = name
        var value = value
        name.withUTF8 { nameBytes in
            value.withUTF8 { valueBytes in
                precondition(!nameBytes.isEmpty, "empty HTTP header name")
                precondition(Self.isSafe(nameBytes) && Self.isSafe(valueBytes), "CR, LF or NUL in HTTP header")
                let nameStart = bytes.count
                bytes.append(contentsOf: nameBytes)
                let valueStart = bytes.count
                bytes.append(contentsOf: valueBytes)
                fields.append(
                    Field(
                        nameStart: UInt32(nameStart), nameLength: UInt32(nameBytes.count),
                        valueStart: UInt32(valueStart), valueLength: UInt32(valueBytes.count)))
            }
        }
    }

    /// Removes every field called `name`, then appends one with `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field called `name` (ASCII case-insensitive).
    public mutating func remove(name: String) {
        var name = name
        name.withUTF8 { wanted in
            let bytes = self.bytes
            bytes.withUnsafeBytes { raw in
                fields.removeAll { Self.nameMatches(raw, $0, wanted) }
            }
        }
        if fields.isEmpty { bytes.removeAll(keepingCapacity: true) }
    }

    // MARK: - Internals

    /// The index of the first field called `name`, or nil.
    func firstIndex(name: String) -> Int? {
        var name = name
        return name.withUTF8 { wanted in
            bytes.withUnsafeBytes { raw in
                fields.firstIndex { Self.nameMatches(raw, $0, wanted) }
            }
        }
    }

    /// Calls `body` with the index of every field called `name`, in order.
    func forEachIndex(name: String, _ body: (Int) -> Void) {
        var name = name
        name.withUTF8 { wanted in
            bytes.withUnsafeBytes { raw in
                for index in fields.indices where Self.nameMatches(raw, fields[index], wanted) { body(index) }
            }
        }
    }

    /// Whether the comma-separated list in `range` holds `wanted`, ignoring case and surrounding whitespace.
    func valueList(_ range: Range<Int>, contains wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withUnsafeBytes { raw in
            var start = range.lowerBound
            while start <= range.upperBound {
                var end = start
                while end < range.upperBound && raw[end] != ASCII.comma { end += 1 }
                var low = start
                var high = end
                while low < high && (raw[low] == ASCII.space || raw[low] == ASCII.tab) { low += 1 }
                while high > low && (raw[high - 1] == ASCII.space || raw[high - 1] == ASCII.tab) { high -= 1 }
                if high - low == wanted.count {
                    var index = 0
                    while index < wanted.count
                        && ASCII.lowercased(raw[low + index]) == ASCII.lowercased(wanted[index])
                    {
                        index += 1
                    }
                    if index == wanted.count { return true }
                }
                start = end + 1
            }
            return false
        }
    }

    /// A String view of `range` of the storage (invalid UTF-8 from obs-text is repaired, the bytes are kept).
    func string(_ range: Range<Int>) -> String {
        bytes.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    static func nameMatches(
        _ raw: UnsafeRawBufferPointer, _ field: Field, _ wanted: UnsafeBufferPointer<UInt8>
    )
        -> Bool
    {
        guard Int(field.nameLength) == wanted.count else { return false }
        var index = 0
        let start = Int(field.nameStart)
        while index < wanted.count {
            if ASCII.lowercased(raw.byte(start + index)) != ASCII.lowercased(wanted[index]) { return false }
            index += 1
        }
        return true
    }

    static func isSafe(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.contains { $0 == ASCII.cr || $0 == ASCII.lf || $0 == 0 }
    }
}

extension HTTPHeaders: RandomAccessCollection {
    /// Position of a field in order of arrival.
    public var startIndex: Int { 0 }
    /// One past the last field.
    public var endIndex: Int { fields.count }

    /// The field at `position` as Strings.
    public subscript(position: Int) -> (name: String, value: String) {
        let field = fields[position]
        return (string(field.nameRange), string(field.valueRange))
    }
}

extension HTTPHeaders: ExpressibleByDictionaryLiteral {
    /// Headers in the literal's order.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init()
        for (name, value) in elements { add(name: name, value: value) }
    }
}

extension HTTPHeaders: Equatable {
    /// Equal when the same fields appear in the same order: names compared ignoring ASCII case, values exactly.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        guard lhs.fields.count == rhs.fields.count else { return false }
        return lhs.bytes.withUnsafeBytes { left in
            rhs.bytes.withUnsafeBytes { right in
                for (a, b) in zip(lhs.fields, rhs.fields) {
                    guard a.nameLength == b.nameLength, a.valueLength == b.valueLength else { return false }
                    for offset in 0..<Int(a.nameLength)
                    where ASCII.lowercased(left[Int(a.nameStart) + offset])
                        != ASCII.lowercased(right[Int(b.nameStart) + offset])
                    {
                        return false
                    }
                    if !left[a.valueRange].elementsEqual(right[b.valueRange]) { return false }
                }
                return true
            }
        }
    }
}

extension HTTPHeaders: CustomStringConvertible {
    /// The fields as `name: value` lines, for tests and logs.
    public var description: String {
        map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}
