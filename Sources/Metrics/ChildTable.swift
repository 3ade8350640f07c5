import Core
import Synchronization

/// The children of one family, one per distinct tuple of label values, created on first use.
///
/// Lookups take a lock, so callers resolve a child once (at connection or route set-up) and keep the
/// reference: updating a child never touches this table.
final class ChildTable<Metric: AnyObject & Sendable>: Sendable {
    /// One child with its label pairs rendered once, at creation, instead of at every scrape.
    struct Entry: Sendable {
        /// The label values, in the order of the family's label names.
        let values: [String]
        /// `name="value",...` with values escaped; empty for an unlabelled family.
        let labels: ByteBuffer
        /// The child itself.
        let metric: Metric
    }

    /// The family's label names, in the order `labels(_:)` takes values.
    let labelNames: [String]
    private let familyName: String
    private let entries = Mutex<[[String]: Entry]>([:])

    /// A table for `familyName`'s children keyed by `labelNames`.
    init(familyName: String, labelNames: [String]) {
        self.familyName = familyName
        self.labelNames = labelNames
    }

    /// The child for `values`, made by `make` when it does not exist yet. Any thread.
    func child(_ values: [String], make: () -> Metric) -> Metric {
        precondition(
            values.count == labelNames.count,
            "\(familyName) takes \(labelNames.count) label values (\(labelNames)), got \(values.count)")
        return entries.withLock { entries in
            if let existing = entries[values] { return existing.metric }
            let entry = Entry(values: values, labels: renderLabels(values), metric: make())
            entries[values] = entry
            return entry.metric
        }
    }

    /// Every child, ordered by label values so that the exposition is stable from scrape to scrape.
    func snapshot() -> [Entry] {
        let unordered = entries.withLock { Array($0.values) }
        return unordered.sorted { $0.values.lexicographicallyPrecedes($1.values) }
    }

    private func renderLabels(_ values: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for (index, (name, value)) in zip(labelNames, values).enumerated() {
            if index > 0 { buffer.writeByte(UInt8(ascii: ",")) }
            buffer.writeString(name)
            buffer.writeString("=\"")
            buffer.writeLabelValue(value)
            buffer.writeByte(UInt8(ascii: "\""))
        }
        return buffer
    }
}
