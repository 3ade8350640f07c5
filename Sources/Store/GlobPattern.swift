/// Glob matching with the rules of Redis's `stringmatchlen` (KEYS, SCAN MATCH): `*` any run, `?` any
/// byte, `[abc]`, `[^abc]`, `[a-z]` (a reversed range counts as its normal form), and `\x` for a
/// literal `x` both outside and inside brackets. Bytes, not characters: patterns and keys are binary.
public enum GlobPattern {
    /// Whether `string` matches `pattern`.
    public static func matches(_ pattern: UnsafeRawBufferPointer, _ string: UnsafeRawBufferPointer) -> Bool {
        var budget = 1000  // Redis caps the recursion of `*` the same way, against pathological patterns.
        return match(pattern, 0, string, 0, budget: &budget)
    }

    /// Whether `string` matches `pattern` (byte arrays).
    public static func matches(_ pattern: [UInt8], _ string: [UInt8]) -> Bool {
        pattern.withUnsafeBytes { p in string.withUnsafeBytes { s in matches(p, s) } }
    }

    /// Whether `string` matches `pattern` (UTF-8 of strings).
    public static func matches(_ pattern: String, _ string: String) -> Bool {
        matches(Array(pattern.utf8), Array(string.utf8))
    }

    private static func match(
        _ pattern: UnsafeRawBufferPointer, _ start: Int, _ string: UnsafeRawBufferPointer, _ offset: Int,
        budget: inout Int
    ) -> Bool {
        budget -= 1
        if budget <= 0 { return false }
        var p = start
        var s = offset
        while p < pattern.count && (s < string.count || pattern[p] == UInt8(ascii: "*")) {
            switch pattern[p] {
            case UInt8(ascii: "*"):
                while p + 1 < pattern.count && pattern[p + 1] == UInt8(ascii: "*") { p += 1 }
                if p + 1 == pattern.count { return true }
                while s <= string.count {
                    if match(pattern, p + 1, string, s, budget: &budget) { return true }
                    if budget <= 0 { return false }
                    s += 1
                }
                return false
            case UInt8(ascii: "?"):
                s += 1
            case UInt8(ascii: "["):
                guard let next = matchClass(pattern, p + 1, string[s]) else { return false }
                p = next
                s += 1
                continue
            case UInt8(ascii: "\\") where p + 1 < pattern.count:
                p += 1
                if pattern[p] != string[s] { return false }
                s += 1
            default:
                if pattern[p] != string[s] { return false }
                s += 1
            }
            p += 1
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count && s == string.count
    }

    /// Matches `byte` against the class starting at `start` (just past `[`); returns the position after
    /// the closing `]` (or the pattern's end when unterminated, as Redis) when it matches, nil otherwise.
    private static func matchClass(_ pattern: UnsafeRawBufferPointer, _ start: Int, _ byte: UInt8) -> Int? {
        var p = start
        let isNegated = p < pattern.count && pattern[p] == UInt8(ascii: "^")
        if isNegated { p += 1 }
        var isMatch = false
        while p < pattern.count {
            let current = pattern[p]
            if current == UInt8(ascii: "\\") && p + 1 < pattern.count {
                p += 1
                if pattern[p] == byte { isMatch = true }
            } else if current == UInt8(ascii: "]") {
                break
            } else if p + 2 < pattern.count && pattern[p + 1] == UInt8(ascii: "-") {
                var low = current
                var high = pattern[p + 2]
                if low > high { swap(&low, &high) }
                if byte >= low && byte <= high { isMatch = true }
                p += 2
            } else if current == byte {
                isMatch = true
            }
            p += 1
        }
        if isNegated { isMatch.toggle() }
        return isMatch ? min(p + 1, pattern.count) : nil
    }
}
