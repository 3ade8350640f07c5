import RESP

/// Parsing of command arguments with Redis's rules, so we accept exactly what Redis accepts.
public enum StoreArguments {
    /// `bytes` as an integer under `string2ll`'s rules (optional `-`, no `+`, no leading zeros, no spaces).
    public static func parseInteger(_ bytes: UnsafeRawBufferPointer) -> Int? {
        RESPCommand.parseInteger(bytes)
    }

    /// `bytes` as an integer (see `parseInteger(_:)`).
    public static func parseInteger(_ bytes: some Collection<UInt8>) -> Int? {
        Array(bytes).withUnsafeBytes { parseInteger($0) }
    }

    /// `bytes` as a double the way Redis's `string2ld` takes it: no leading or trailing space, the whole
    /// text consumed, `inf`/`-inf` accepted, NaN refused.
    public static func parseDouble(_ bytes: some BidirectionalCollection<UInt8>) -> Double? {
        guard !bytes.isEmpty, bytes.count <= 5120 else { return nil }
        guard let first = bytes.first, let last = bytes.last, !isSpace(first), !isSpace(last) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        let value: Double?
        switch text.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": value = .infinity
        case "-inf", "-infinity": value = -.infinity
        default: value = Double(text)
        }
        guard let value, !value.isNaN else { return nil }
        return value
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// A double formatted as Redis replies INCRBYFLOAT results (`%.17Lg`, trailing zeros dropped): the
    /// shortest text that reads back as the same value, without exponent for ordinary magnitudes.
    public static func formatDouble(_ value: Double) -> String {
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e17 { return String(Int64(value)) }
        return value.description
    }
}
