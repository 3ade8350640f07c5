/// "did you mean" for unknown fields of a JSON document (the manifest, balancer.json), by edit distance.
public enum FieldSuggestion {
    /// The known name closest to `name`, if it is close enough to be a typo: at most one edit for short
    /// names, two for names of six characters or more.
    public static func closest(to name: String, among known: [String]) -> String? {
        let limit = name.count >= 6 ? 2 : 1
        let scored = known.map { ($0, distance(name.lowercased(), $0)) }.filter { $0.1 <= limit }
        return scored.min(by: { $0.1 < $1.1 })?.0
    }

    /// The Levenshtein distance between `a` and `b`, in characters.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
