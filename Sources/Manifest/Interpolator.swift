import JSON

/// Compose-style `${VAR}` interpolation of manifest strings.
///
/// - `${VAR}`: the value of `VAR`; unset is a problem naming the variable.
/// - `${VAR:-default}`: `default` if `VAR` is unset or empty; `${VAR-default}`: only if unset.
/// - `$$`: a literal `$`.
/// - Any other `$` is kept as it is (a deliberate difference from compose, which also reads `$VAR`:
///   generated passwords and shell snippets in arguments often contain a bare `$`).
///
/// The default is literal text up to the first `}`; it is not interpolated again.
public struct Interpolator: Sendable {
    /// The variables: the env file overlaid with the process environment.
    public var variables: [String: String]

    /// An interpolator over `variables`.
    public init(variables: [String: String]) { self.variables = variables }

    /// `text` with every reference replaced, or the reason it cannot be (the first one).
    public func interpolate(_ text: String) -> Result<String, InterpolationFailure> {
        guard text.contains("$") else { return .success(text) }
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("$") {
                result += "$"
                rest = after.dropFirst()
            } else if after.hasPrefix("{") {
                guard let close = after.firstIndex(of: "}") else {
                    return .failure(.malformed("unterminated ${ in \(JSONValue.quoted(text))"))
                }
                switch substitute(after[after.index(after: after.startIndex)..<close]) {
                case .success(let value): result += value
                case .failure(let failure): return .failure(failure)
                }
                rest = after[after.index(after: close)...]
            } else {
                result += "$"
                rest = after
            }
        }
        return .success(result + rest)
    }

    /// Resolves the inside of one `${…}`.
    private func substitute(_ body: Substring) -> Result<String, InterpolationFailure> {
        let nameEnd =
            body.firstIndex(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")) }) ?? body.endIndex
        let name = String(body[..<nameEnd])
        let modifier = body[nameEnd...]
        guard EnvironmentFile.isVariableName(name) else {
            return .failure(.malformed("invalid variable reference ${\(body)}"))
        }
        let value = variables[name]
        if modifier.isEmpty {
            guard let value else { return .failure(.unset(name)) }
            return .success(value)
        }
        if modifier.hasPrefix(":-") {
            let fallback = String(modifier.dropFirst(2))
            return .success(value.flatMap { $0.isEmpty ? nil : $0 } ?? fallback)
        }
        if modifier.hasPrefix("-") { return .success(value ?? String(modifier.dropFirst())) }
        return .failure(.malformed("invalid variable reference ${\(body)}, expected ${NAME} or ${NAME:-default}"))
    }
}

/// Why a string could not be interpolated.
public enum InterpolationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// `${NAME}` without a default names a variable that is not set.
    case unset(String)
    /// The reference is not `${NAME}`, `${NAME:-default}` or `${NAME-default}`.
    case malformed(String)

    /// The problem message.
    public var description: String {
        switch self {
        case .unset(let name):
            return "variable \(name) is not set (define it in the env file or use ${\(name):-default})"
        case .malformed(let message): return message
        }
    }
}

extension JSONValue {
    /// This tree with every string value interpolated; object member names are left alone. Failures are
    /// appended to `problems` with their path, and the string is kept as written.
    func interpolated(with interpolator: Interpolator, path: String, problems: inout [ManifestProblem]) -> JSONValue {
        switch self {
        case .string(let text):
            switch interpolator.interpolate(text) {
            case .success(let value): return .string(value)
            case .failure(let failure):
                problems.append(ManifestProblem(path: path, message: failure.description))
                return self
            }
        case .array(let elements):
            return .array(
                elements.enumerated().map { offset, element in
                    element.interpolated(with: interpolator, path: "\(path)[\(offset)]", problems: &problems)
                })
        case .object(let object):
            return .object(
                JSONObject(
                    object.members.map { key, value in
                        (key, value.interpolated(with: interpolator, path: path.child(key), problems: &problems))
                    }))
        case .null, .bool, .integer, .double:
            return self
        }
    }
}

extension String {
    /// The path of member `key` under this path: `services` + `api` is `services.api`.
    func child(_ key: String) -> String { isEmpty ? key : "\(self).\(key)" }
}
