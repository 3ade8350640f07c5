/// An IPv4 address as its 32-bit value, in host order.
public struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The address, most significant octet first (`127.0.0.1` is `0x7F00_0001`).
    public var value: UInt32

    /// The address with this 32-bit value.
    public init(_ value: UInt32) { self.value = value }

    /// Parses dotted-quad notation (`127.20.0.5`): exactly four decimal octets, no leading zeros;
    /// `nil` for anything else.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                part == "0" || !part.hasPrefix("0"), let octet = UInt8(part)
            else { return nil }
            value = value << 8 | UInt32(octet)
        }
        self.value = value
    }

    /// Whether the address is in 127.0.0.0/8.
    public var isLoopback: Bool { value >> 24 == 127 }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }

    /// Dotted-quad notation.
    public var description: String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }
}
