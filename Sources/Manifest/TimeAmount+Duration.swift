import Core

extension TimeAmount {
    /// Parses a Go / compose duration: one or more decimal numbers, each with a unit, such as `500ms`,
    /// `2s`, `1m30s`, `1.5h` or `0s`. Units: `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`. A bare `0` is
    /// accepted as Go does. Returns `nil` for anything else, for negative spans, and on overflow.
    public init?(duration text: String) {
        if text == "0" {
            self = .zero
            return
        }
        let units: [(suffix: String, nanoseconds: Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number)
            else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix(while: { !($0.isASCII && ($0.isNumber || $0 == ".")) })
            // The unit is the whole run of letters, so `ms` can never be read as `m` plus garbage.
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.nanoseconds
        }
        guard total < Double(Int64.max) else { return nil }
        self.init(nanoseconds: Int64(total.rounded()))
    }
}
