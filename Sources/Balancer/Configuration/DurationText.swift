import Core

/// Durations as the configuration spells them: `500ms`, `2s`, `1m`, `1m30s`, `1.5s`.
///
/// The manifest has the same parser, but the balancer does not depend on Manifest (a service reads its
/// own file, not the stack's), so this is a small copy rather than a new dependency.
enum DurationText {
    /// The span `text` spells: one or more decimal numbers each followed by a unit (`ns`, `us`, `ms`,
    /// `s`, `m`, `h`), or a bare `0`. `nil` for anything else and on overflow.
    static func parse(_ text: String) -> TimeAmount? {
        if text == "0" { return .zero }
        let units: [(suffix: Substring, nanoseconds: Double)] = [
            ("ns", 1), ("us", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
            guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, let value = Double(number) else {
                return nil
            }
            rest = rest.dropFirst(number.count)
            // The unit is the whole run of letters, so `ms` is never read as `m` followed by garbage.
            let unitText = rest.prefix(while: { !($0.isASCII && ($0.isNumber || $0 == ".")) })
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.nanoseconds
        }
        guard total < Double(Int64.max / 2) else { return nil }
        return .nanoseconds(Int64(total.rounded()))
    }
}
