/// The rules a family's name, label names and help must satisfy before it is registered.
///
/// Beyond the syntax of the text format, the rules include the checks `promtool check metrics` runs (its
/// "promlint" warnings), so that anything the registry accepts also scrapes without a warning: a counter
/// must end in `_total`, nothing else may; `_bucket`, `_count` and `_sum` belong to histograms; the `le`
/// and `quantile` label names are reserved; no camelCase, no colons, no type names or abbreviated or
/// non-base units in the name; help must not be empty. Violations are programmer errors, hence
/// preconditions (see `validate`), but `problems` returns them all for tests.
enum MetricNaming {
    /// Whether `name` matches `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func isValidMetricName(_ name: String) -> Bool {
        var isFirst = true
        for byte in name.utf8 {
            let allowed =
                isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
                || (!isFirst && isDigit(byte))
            if !allowed { return false }
            isFirst = false
        }
        return !isFirst
    }

    /// Whether `name` matches `[a-zA-Z_][a-zA-Z0-9_]*` and does not start with the reserved `__`.
    static func isValidLabelName(_ name: String) -> Bool {
        var isFirst = true
        for byte in name.utf8 {
            let allowed = isLetter(byte) || byte == UInt8(ascii: "_") || (!isFirst && isDigit(byte))
            if !allowed { return false }
            isFirst = false
        }
        return !isFirst && !name.hasPrefix("__")
    }

    /// Every reason the family would be rejected; empty when it is acceptable.
    static func problems(name: String, type: MetricType, help: String, labelNames: [String]) -> [String] {
        var problems: [String] = []
        guard isValidMetricName(name) else {
            return ["invalid metric name \"\(name)\": must match [a-zA-Z_:][a-zA-Z0-9_:]*"]
        }
        if name.hasPrefix("__") { problems.append("metric name \"\(name)\" uses the reserved \"__\" prefix") }
        if help.isEmpty { problems.append("\(name): help text is empty") }
        for label in labelNames where !isValidLabelName(label) {
            problems.append("\(name): invalid label name \"\(label)\": must match [a-zA-Z_][a-zA-Z0-9_]*, not __*")
        }
        if Set(labelNames).count != labelNames.count { problems.append("\(name): duplicate label names") }
        for label in labelNames where label == "le" || label == "quantile" {
            problems.append("\(name): label name \"\(label)\" is reserved for histograms and summaries")
        }
        for label in labelNames where isCamelCase(label) {
            problems.append("\(name): label name \"\(label)\" should be snake_case")
        }
        problems += lintName(name, type: type)
        return problems
    }

    /// Traps with every problem when the family is not acceptable.
    static func validate(name: String, type: MetricType, help: String, labelNames: [String]) {
        let found = problems(name: name, type: type, help: help, labelNames: labelNames)
        precondition(found.isEmpty, "unable to register metric family: " + found.joined(separator: "; "))
    }

    // MARK: - promlint's name rules

    private static func lintName(_ name: String, type: MetricType) -> [String] {
        var problems: [String] = []
        let hasTotal = name.hasSuffix("_total")
        if type == .counter && !hasTotal { problems.append("\(name): counter names must end in \"_total\"") }
        if type != .counter && hasTotal { problems.append("\(name): only counter names may end in \"_total\"") }
        if type != .histogram {
            for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) {
                problems.append("\(name): the \"\(suffix)\" suffix is reserved for histograms")
            }
        }
        if name.contains(":") { problems.append("\(name): colons are reserved for recording rules") }
        if isCamelCase(name) { problems.append("\(name): metric names should be snake_case") }
        let lowered = name.lowercased()
        let words = lowered.split(separator: "_", omittingEmptySubsequences: false).dropFirst()
        for word in words {
            if typeNames.contains(String(word)) {
                problems.append("\(name): the name should not include the type \"\(word)\"")
            }
            if unitAbbreviations.contains(String(word)) {
                problems.append("\(name): the name should not contain the abbreviated unit \"\(word)\"")
            }
        }
        if let (unit, base) = nonBaseUnit(in: name) {
            problems.append("\(name): use the base unit \"\(base)\" instead of \"\(unit)\"")
        }
        return problems
    }

    /// promlint's type check matches `_<type>_` or a `_<type>` suffix, i.e. any word after the first.
    private static let typeNames: Set<String> = ["counter", "gauge", "histogram", "summary"]
    private static let unitAbbreviations: Set<String> = [
        "s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d",
    ]
    private static let baseUnits: [String: String] = [
        "amperes": "amperes", "bytes": "bytes", "celsius": "celsius", "grams": "grams", "joules": "joules",
        "kelvin": "kelvin", "meters": "meters", "metres": "metres", "seconds": "seconds", "volts": "volts",
        "minutes": "seconds", "hours": "seconds", "days": "seconds", "weeks": "seconds", "kelvins": "kelvin",
        "fahrenheit": "celsius", "rankine": "celsius", "inches": "meters", "yards": "meters", "miles": "meters",
        "bits": "bytes", "calories": "joules", "pounds": "grams", "ounces": "grams",
    ]
    private static let unitPrefixes = [
        "pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo", "kibi", "mega", "mibi",
        "giga", "gibi", "tera", "tebi", "peta", "pebi",
    ]

    /// The first unit word in the name (like promlint, only the first counts) when it is not a base unit.
    private static func nonBaseUnit(in name: String) -> (unit: String, base: String)? {
        for word in name.split(separator: "_").map(String.init) {
            if let base = baseUnits[word] { return word == base ? nil : (word, base) }
            for prefix in unitPrefixes where word.hasPrefix(prefix) {
                if let base = baseUnits[String(word.dropFirst(prefix.count))] { return (word, base) }
            }
        }
        return nil
    }

    /// promlint's `[a-z][A-Z]`.
    private static func isCamelCase(_ name: String) -> Bool {
        var previousIsLower = false
        for byte in name.utf8 {
            if previousIsLower && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { return true }
            previousIsLower = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
        }
        return false
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
