/// A loopback address and port a service is published on (`127.0.0.1:8080`), as the balancer binds it.
public struct PublishedAddress: Sendable, Hashable, CustomStringConvertible {
    /// The loopback IPv4 address.
    public var host: IPv4Address
    /// The TCP port, 1...65535.
    public var port: Int

    /// An address from its parts.
    public init(host: IPv4Address, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `a.b.c.d:port`; `nil` if malformed or the port is outside 1...65535 (loopback is checked
    /// by validation, which says so precisely).
    public init?(_ text: some StringProtocol) {
        guard let colon = text.lastIndex(of: ":"), let host = IPv4Address(text[..<colon]) else { return nil }
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        self.init(host: host, port: port)
    }

    /// `host:port`.
    public var description: String { "\(host):\(port)" }
}
