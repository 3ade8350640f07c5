import Core

/// All the histograms sharing one name and bucket layout, one per tuple of label values.
public final class HistogramFamily: Sendable {
    /// The family name; samples are `<name>_bucket`, `<name>_sum` and `<name>_count`.
    public let name: String
    /// The `# HELP` text.
    public let help: String
    /// The finite upper bounds every child uses.
    public let upperBounds: [Double]
    /// The `le="..."` label of each finite bound then of `+Inf`, rendered once.
    private let boundLabels: [ByteBuffer]
    private let children: ChildTable<Histogram>

    /// The label names, in the order `labels(_:)` takes values.
    public var labelNames: [String] { children.labelNames }

    /// A family with no children yet, except the single one of an unlabelled family. Validated by the caller.
    init(name: String, help: String, labelNames: [String], upperBounds: [Double]) {
        self.name = name
        self.help = help
        self.upperBounds = upperBounds
        boundLabels = (upperBounds + [.infinity]).map { bound in
            var label = ByteBuffer(string: "le=\"")
            label.writeSampleValue(bound)
            label.writeByte(UInt8(ascii: "\""))
            return label
        }
        children = ChildTable(familyName: name, labelNames: labelNames)
        // An unlabelled family has exactly one child: create it now so it is scraped as 0 before first use.
        if labelNames.isEmpty { _ = children.child([]) { Histogram(upperBounds: upperBounds) } }
    }

    /// The histogram for these label values, created empty on first use. Takes a lock: keep the result.
    public func labels(_ values: String...) -> Histogram {
        labels(values)
    }

    /// The histogram for these label values, created empty on first use. Takes a lock: keep the result.
    public func labels(_ values: [String]) -> Histogram {
        children.child(values) { Histogram(upperBounds: upperBounds) }
    }

    /// Appends the family in text format, or nothing while it has no children. Any thread.
    func render(into buffer: inout ByteBuffer) {
        let entries = children.snapshot()
        guard !entries.isEmpty else { return }
        buffer.writeFamilyHeader(name: name, help: help, type: .histogram)
        for entry in entries {
            let (cumulative, count, sum) = entry.metric.snapshot()
            for (bucket, boundLabel) in zip(cumulative + [count], boundLabels) {
                buffer.writeSample(
                    name: name, suffix: "_bucket", labels: entry.labels, extraLabel: boundLabel, value: Double(bucket))
            }
            buffer.writeSample(name: name, suffix: "_sum", labels: entry.labels, value: sum)
            buffer.writeSample(name: name, suffix: "_count", labels: entry.labels, value: Double(count))
        }
    }
}
