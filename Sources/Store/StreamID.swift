/// A stream entry's ID: milliseconds and a sequence number, ordered as a pair, written `ms-seq`.
public struct StreamID: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The milliseconds part, usually the Unix time the entry was added.
    public var milliseconds: UInt64
    /// The sequence number among entries of the same millisecond.
    public var sequence: UInt64

    /// The ID `milliseconds-sequence`.
    public init(_ milliseconds: UInt64, _ sequence: UInt64) {
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    /// `0-0`, below every entry's ID.
    public static let zero = StreamID(0, 0)
    /// The largest ID.
    public static let max = StreamID(.max, .max)

    public static func < (a: StreamID, b: StreamID) -> Bool {
        a.milliseconds != b.milliseconds ? a.milliseconds < b.milliseconds : a.sequence < b.sequence
    }

    /// `ms-seq`.
    public var description: String { "\(milliseconds)-\(sequence)" }

    /// The next ID, nil after `max`.
    public var successor: StreamID? {
        if sequence < .max { return StreamID(milliseconds, sequence + 1) }
        if milliseconds < .max { return StreamID(milliseconds + 1, 0) }
        return nil
    }

    /// The previous ID, nil before `zero`.
    public var predecessor: StreamID? {
        if sequence > 0 { return StreamID(milliseconds, sequence - 1) }
        if milliseconds > 0 { return StreamID(milliseconds - 1, .max) }
        return nil
    }

    /// What an ID argument spells, as Redis's `streamGenericParseIDOrReply`: `ms-seq`, `ms` (the
    /// sequence is `missingSequence`), `ms-*` when `allowsAutoSequence` (the sequence is nil), and unless
    /// `strict`, `-` and `+` for the smallest and largest IDs. Nil when it is none of these.
    public static func parse(
        _ bytes: [UInt8], missingSequence: UInt64, strict: Bool, allowsAutoSequence: Bool = false
    ) -> (milliseconds: UInt64, sequence: UInt64?)? {
        guard bytes.count <= 127, !bytes.isEmpty else { return nil }
        if bytes.count == 1 && (bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+")) {
            guard !strict else { return nil }
            return bytes[0] == UInt8(ascii: "-") ? (0, 0) : (.max, .max)
        }
        guard let dash = bytes.firstIndex(of: UInt8(ascii: "-")) else {
            guard let milliseconds = number(bytes[...]) else { return nil }
            return (milliseconds, missingSequence)
        }
        guard let milliseconds = number(bytes[..<dash]) else { return nil }
        let rest = bytes[(dash + 1)...]
        if allowsAutoSequence && rest.elementsEqual([UInt8(ascii: "*")]) { return (milliseconds, nil) }
        guard let sequence = number(rest) else { return nil }
        return (milliseconds, sequence)
    }

    /// An unsigned decimal, as Redis's `string2ull` reads it (no sign, no spaces).
    private static func number(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }
}
