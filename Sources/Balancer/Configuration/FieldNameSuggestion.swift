/// "did you mean" for unknown configuration fields, by edit distance.
///
/// Manifest has one too, internal to it; the balancer keeps its own few lines rather than widen
/// Manifest's API or depend on it.
enum FieldNameSuggestion {
    /// The known name closest to `name` if it is plausibly a typo: at most one edit for names shorter
    /// than six characters, two otherwise.
    static func closest(to name: String, among known: [String]) -> String? {
        let limit = name.count >= 6 ? 2 : 1
        var best: (name: String, distance: Int)? = nil
        for candidate in known {
            let distance = distance(name.lowercased(), candidate)
            if distance <= limit, distance < best?.distance ?? .max { best = (candidate, distance) }
        }
        return best?.name
    }

    /// The Levenshtein distance between `a` and `b`, in characters.
    static func distance(_ a: String, _ b: String) -> Int {
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
