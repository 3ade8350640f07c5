/// The variables of an env file (`.env`): `KEY=VALUE` lines, as compose reads them.
///
/// Syntax, line by line: blank lines and lines starting with `#` are skipped; an optional `export `
/// prefix is ignored; the value runs to the end of the line with surrounding spaces trimmed, and an
/// unquoted value ends at ` #` (an inline comment). `'single quoted'` values are literal;
/// `"double quoted"` values understand `\n`, `\t`, `\"` and `\\`. Values are not interpolated.
public struct EnvironmentFile: Sendable, Equatable {
    /// The variables in file order; a repeated name keeps its last value in its first position.
    public private(set) var entries: [(name: String, value: String)] = []

    /// An empty file.
    public init() {}

    /// Parses `text`, collecting every malformed line. `file` names the file in problems (`.env:3`).
    public init(parsing text: String, file: String = ".env") throws(ManifestError) {
        var problems: [ManifestProblem] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            line = line.drop(while: { $0 == " " || $0 == "\t" })
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count).drop(while: { $0 == " " }) }
            let path = "\(file):\(offset + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                problems.append(ManifestProblem(path: path, message: "expected KEY=VALUE, got \"\(line)\""))
                continue
            }
            let name = String(line[..<equals].trimmingSpaces())
            guard Self.isVariableName(name) else {
                problems.append(ManifestProblem(path: path, message: "invalid variable name \"\(name)\""))
                continue
            }
            switch Self.value(line[line.index(after: equals)...].trimmingSpaces()) {
            case .success(let value): set(name, value)
            case .failure(let message): problems.append(ManifestProblem(path: path, message: message.reason))
            }
        }
        guard problems.isEmpty else { throw ManifestError.invalid(file, problems) }
    }

    /// The value of `name`, or `nil`.
    public subscript(name: String) -> String? { entries.first(where: { $0.name == name })?.value }

    /// The variables as a dictionary.
    public var dictionary: [String: String] { Dictionary(entries, uniquingKeysWith: { $1 }) }

    /// Sets `name`, replacing an earlier value in place.
    public mutating func set(_ name: String, _ value: String) {
        if let index = entries.firstIndex(where: { $0.name == name }) {
            entries[index].value = value
        } else {
            entries.append((name, value))
        }
    }

    public static func == (a: EnvironmentFile, b: EnvironmentFile) -> Bool {
        a.entries.elementsEqual(b.entries, by: ==)
    }

    /// Whether `name` is a shell-style variable name: a letter or `_`, then letters, digits and `_`.
    public static func isVariableName(_ name: some StringProtocol) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// A line-level parse failure.
    private struct LineError: Error { var reason: String }

    private static func isBlankOrComment(_ rest: Substring) -> Bool {
        let trimmed = rest.trimmingSpaces()
        return trimmed.isEmpty || trimmed.hasPrefix("#")
    }

    private static func value(_ text: Substring) -> Result<String, LineError> {
        if text.hasPrefix("'") {
            let body = text.dropFirst()
            guard let close = body.firstIndex(of: "'") else { return .failure(LineError(reason: "unterminated '")) }
            guard isBlankOrComment(body[body.index(after: close)...]) else {
                return .failure(LineError(reason: "unexpected text after the closing '"))
            }
            return .success(String(body[..<close]))
        }
        if text.hasPrefix("\"") {
            var result = ""
            var escaped = false
            for (offset, character) in text.dropFirst().enumerated() {
                if escaped {
                    switch character {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    case "r": result.append("\r")
                    default: result.append(character)
                    }
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    guard isBlankOrComment(text.dropFirst(offset + 2)) else {
                        return .failure(LineError(reason: "unexpected text after the closing \""))
                    }
                    return .success(result)
                } else {
                    result.append(character)
                }
            }
            return .failure(LineError(reason: "unterminated \""))
        }
        if let comment = text.firstRange(of: " #") {
            return .success(String(text[..<comment.lowerBound].trimmingSpaces()))
        }
        return .success(String(text))
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> SubSequence {
        let start = firstIndex(where: { $0 != " " && $0 != "\t" }) ?? endIndex
        let end = lastIndex(where: { $0 != " " && $0 != "\t" }).map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
