import Core
import JSON
import Reactor

/// Turns `balancer.json`'s tree into a `BalancerConfiguration`, starting from the defaults and
/// collecting a problem for every wrong type, unknown field or out-of-range value instead of stopping
/// at the first.
///
/// Each helper returns `nil` when its value is unusable, after recording the problem; the field then
/// keeps its default so decoding can go on and find the rest.
struct BalancerConfigurationDecoder {
    /// The file's name, the `source` of every problem.
    let source: String
    /// Everything found so far, in document order.
    var problems: [BalancerConfigurationError.Problem] = []

    init(source: String) { self.source = source }

    /// Records a problem at `path`.
    mutating func report(_ path: String, _ reason: String) {
        problems.append(.init(source: source, path: path, reason: reason))
    }

    /// Records "expected <what>, got <value>".
    mutating func expected(_ what: String, at path: String, got value: JSONValue) {
        report(path, "expected \(what), got \(value.summary)")
    }

    /// `path.key`, or `key` at the top.
    static func child(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: - Objects

    /// The object at `path`, with a problem for each member not in `fields` (with a did-you-mean).
    mutating func object(_ value: JSONValue, at path: String, fields: [String]) -> JSONObject? {
        guard case .object(let object) = value else {
            expected("an object", at: path, got: value)
            return nil
        }
        for key in object.keys where !fields.contains(key) {
            if let suggestion = FieldSuggestion.closest(to: key, among: fields) {
                report(Self.child(path, key), "unknown field (did you mean \"\(suggestion)\"?)")
            } else {
                report(Self.child(path, key), "unknown field (expected one of \(fields.joined(separator: ", ")))")
            }
        }
        return object
    }

    // MARK: - Scalars

    mutating func integer(_ value: JSONValue, at path: String, in range: ClosedRange<Int>) -> Int? {
        guard case .integer(let number) = value, range.contains(number) else {
            expected("an integer from \(range.lowerBound) to \(range.upperBound)", at: path, got: value)
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

    mutating func string(_ value: JSONValue, at path: String, what: String = "a string") -> String? {
        guard case .string(let text) = value else {
            expected(what, at: path, got: value)
            return nil
        }
        return text
    }

    /// A positive duration string such as `"500ms"`.
    mutating func duration(_ value: JSONValue, at path: String) -> TimeAmount? {
        guard case .string(let text) = value, let amount = DurationText.parse(text), amount > .zero else {
            expected("a positive duration such as \"500ms\", \"2s\" or \"1m\"", at: path, got: value)
            return nil
        }
        return amount
    }

    /// A loopback IPv4 `host:port` with a port other than 0.
    mutating func upstreamAddress(_ value: JSONValue, at path: String) -> SocketAddress? {
        guard case .string(let text) = value else {
            expected("a loopback address such as \"127.0.0.1:8000\"", at: path, got: value)
            return nil
        }
        switch Self.loopbackAddress(text) {
        case .success(let address): return address
        case .failure(let problem):
            report(path, problem.reason)
            return nil
        }
    }

    /// Parses `text` as a loopback IPv4 `host:port` with a non-zero port; the failure's reason says why not.
    static func loopbackAddress(_ text: String) -> Result<SocketAddress, AddressProblem> {
        let quoted = JSONValue.quoted(text)
        guard !text.contains("/"), let address = SocketAddress(text), let port = address.port, port != 0 else {
            return .failure(AddressProblem(reason: "expected <IPv4 address>:<port other than 0>, got \(quoted)"))
        }
        guard address.isLoopback else {
            return .failure(AddressProblem(reason: "expected a loopback address (127.0.0.0/8), got \(quoted)"))
        }
        return .success(address)
    }

    /// Why text is not a usable address.
    struct AddressProblem: Error {
        var reason: String
    }

    // MARK: - Names

    /// Whether `name` can name a stack service: an ASCII letter or digit, then letters, digits, `_` and
    /// `-`, at most 63 characters (the manifest's rule).
    static func isServiceName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.count <= 63 else {
            return false
        }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// Whether `name` can be sent as a header value and read in logs: 1 to 64 of letters, digits and
    /// `_ - . :`.
    static func isUpstreamName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.:".contains($0)) }
    }

    /// Whether `name` is an HTTP field name (RFC 9110 token), at most 64 characters.
    static func isHeaderName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+-.^_`|~".contains($0)) }
    }
}
