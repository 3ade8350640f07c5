#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 socket address (address + port) or a Unix domain socket path.
public enum SocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// IPv4: the address in host byte order and the port.
    case ipv4(address: UInt32, port: UInt16)
    /// A Unix domain socket at `path`.
    case unix(path: String)

    /// Parses "a.b.c.d:port" (IPv4) or a path containing "/" (Unix socket).
    public init?(_ text: String) {
        if text.contains("/") {
            self = .unix(path: text)
            return
        }
        guard let colon = text.lastIndex(of: ":"),
            let port = UInt16(text[text.index(after: colon)...]),
            let address = SocketAddress.parseIPv4(String(text[..<colon]))
        else { return nil }
        self = .ipv4(address: address, port: port)
    }

    /// An IPv4 address from dotted-quad text and a port; nil if the text is not an IPv4 address.
    public init?(host: String, port: Int) {
        guard let address = SocketAddress.parseIPv4(host), let port = UInt16(exactly: port) else { return nil }
        self = .ipv4(address: address, port: port)
    }

    /// Parses dotted-quad IPv4 text into a host-order integer.
    public static func parseIPv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    /// Whether the address is in 127.0.0.0/8 (or a Unix socket): the only places Evergreen talks to.
    public var isLoopback: Bool {
        switch self {
        case .ipv4(let address, _): return address >> 24 == 127
        case .unix: return true
        }
    }

    /// The port, or nil for Unix sockets.
    public var port: Int? {
        if case .ipv4(_, let port) = self { return Int(port) }
        return nil
    }

    /// The host part as text ("127.0.0.1"), or the path.
    public var host: String {
        switch self {
        case .ipv4(let a, _): return "\(a >> 24).\(a >> 16 & 0xff).\(a >> 8 & 0xff).\(a & 0xff)"
        case .unix(let path): return path
        }
    }

    public var description: String {
        switch self {
        case .ipv4(_, let port): return "\(host):\(port)"
        case .unix(let path): return path
        }
    }

    /// The address family for socket(2).
    var family: Int32 {
        switch self {
        case .ipv4: return AF_INET
        case .unix: return AF_UNIX
        }
    }

    /// Calls `body` with a `sockaddr` for this address.
    public func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws(IOError) -> R) throws(IOError) -> R
    {
        switch self {
        case .ipv4(let address, let port):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr = in_addr(s_addr: address.bigEndian)
            return try withUnsafePointer(to: &sin) { (pointer) throws(IOError) -> R in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(IOError) -> R in
                    try body(raw, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .unix(let path):
            var sun = sockaddr_un()
            sun.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            let capacity = MemoryLayout.size(ofValue: sun.sun_path)
            guard bytes.count < capacity else {
                throw IOError("use Unix socket path \(path)", reason: "path longer than \(capacity - 1) bytes")
            }
            withUnsafeMutableBytes(of: &sun.sun_path) { raw in
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            return try withUnsafePointer(to: &sun) { (pointer) throws(IOError) -> R in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(IOError) -> R in
                    try body(raw, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
    }

    /// Reads an address filled in by accept(2)/getsockname(2).
    public static func from(_ storage: sockaddr_storage) -> SocketAddress? {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    .ipv4(
                        address: UInt32(bigEndian: $0.pointee.sin_addr.s_addr),
                        port: UInt16(bigEndian: $0.pointee.sin_port))
                }
            }
        case AF_UNIX:
            return .unix(path: "")
        default:
            return nil
        }
    }
}
