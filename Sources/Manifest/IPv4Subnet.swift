/// An IPv4 network in CIDR notation (`127.20.0.0/24`) and the host addresses it gives instances.
///
/// The first address is the network and the last the broadcast address; neither is handed out. The
/// first host address (`.1` in a /24) is the supervisor's own; instances get the rest.
public struct IPv4Subnet: Sendable, Hashable, CustomStringConvertible {
    /// The network address, host bits zero.
    public var network: IPv4Address
    /// The prefix length, 0...32.
    public var prefixLength: Int

    /// The subnet with this network address and prefix length.
    public init(network: IPv4Address, prefixLength: Int) {
        precondition((0...32).contains(prefixLength), "prefix length \(prefixLength) is not in 0...32")
        self.network = network
        self.prefixLength = prefixLength
    }

    /// Parses `a.b.c.d/n`; `nil` if either half is malformed. Host bits may be set: `hasHostBits` says so.
    public init?(_ text: some StringProtocol) {
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, let address = IPv4Address(halves[0]),
            halves[1].allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(halves[1]), (0...32).contains(length)
        else { return nil }
        self.init(network: address, prefixLength: length)
    }

    /// The network mask (`255.255.255.0` for a /24) as a value.
    public var mask: UInt32 { prefixLength == 0 ? 0 : UInt32.max << (32 - prefixLength) }

    /// Whether `network` has bits set past the prefix (`127.20.0.5/24`).
    public var hasHostBits: Bool { network.value & ~mask != 0 }

    /// The subnet with its host bits cleared.
    public var normalized: IPv4Subnet {
        IPv4Subnet(network: IPv4Address(network.value & mask), prefixLength: prefixLength)
    }

    /// Whether `address` lies inside the subnet.
    public func contains(_ address: IPv4Address) -> Bool { address.value & mask == network.value & mask }

    /// Whether every address of `other` lies inside this subnet.
    public func contains(_ other: IPv4Subnet) -> Bool {
        other.prefixLength >= prefixLength && contains(other.network)
    }

    /// The supervisor's own address: the first host address.
    public var supervisorAddress: IPv4Address { IPv4Address((network.value & mask) + 1) }

    /// The addresses instances may get, lowest first: every host address but the supervisor's.
    /// Empty for a /31 or /32, which have no room for the supervisor and an instance.
    public var instanceAddresses: ClosedRange<UInt32>? {
        guard prefixLength <= 30 else { return nil }
        let first = (network.value & mask) + 2
        let last = (network.value & mask | ~mask) - 1
        return first <= last ? first...last : nil
    }

    /// How many instances the subnet can hold.
    public var instanceCapacity: Int { instanceAddresses.map { Int($0.upperBound - $0.lowerBound) + 1 } ?? 0 }

    /// CIDR notation.
    public var description: String { "\(network)/\(prefixLength)" }
}
