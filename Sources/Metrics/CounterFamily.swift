import Core

/// All the counters sharing one name, one per tuple of label values.
public final class CounterFamily: Sendable {
    /// The family name, ending in `_total`.
    public let name: String
    /// The `# HELP` text.
    public let help: String
    private let children: ChildTable<Counter>

    /// The label names, in the order `labels(_:)` takes values.
    public var labelNames: [String] { children.labelNames }

    /// A family with no children yet, except the single one of an unlabelled family. Validated by the caller.
    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        children = ChildTable(familyName: name, labelNames: labelNames)
        // An unlabelled family has exactly one child: create it now so it is scraped as 0 before first use.
        if labelNames.isEmpty { _ = children.child([]) { Counter() } }
    }

    /// The counter for these label values, created at zero on first use. Takes a lock: keep the result.
    public func labels(_ values: String...) -> Counter {
        labels(values)
    }

    /// The counter for these label values, created at zero on first use. Takes a lock: keep the result.
    public func labels(_ values: [String]) -> Counter {
        children.child(values) { Counter() }
    }

    /// Appends the family in text format, or nothing while it has no children. Any thread.
    func render(into buffer: inout ByteBuffer) {
        let entries = children.snapshot()
        guard !entries.isEmpty else { return }
        buffer.writeFamilyHeader(name: name, help: help, type: .counter)
        for entry in entries {
            buffer.writeSample(name: name, labels: entry.labels, value: entry.metric.value)
        }
    }
}
