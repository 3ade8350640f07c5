import Core
import Reactor

/// A complete request as the server hands it to a route handler: head, whole body, path parameters.
public struct HTTPRequest: Sendable {
    /// Request line and headers.
    public var head: HTTPRequestHead
    /// The body (empty when there was none). Bounded by the server's `maxBodySize`.
    public var body: ByteBuffer
    /// Values of the route's `{name}` segments, percent-decoded.
    public var pathParameters: [String: String]
    /// The matched route template (`/v1/products/{id}`), for logs and metrics labels; empty if none.
    public var route: String
    /// The client's address.
    public var remoteAddress: SocketAddress?

    public init(
        head: HTTPRequestHead, body: ByteBuffer = ByteBuffer(), pathParameters: [String: String] = [:],
        route: String = "", remoteAddress: SocketAddress? = nil
    ) {
        self.head = head
        self.body = body
        self.pathParameters = pathParameters
        self.route = route
        self.remoteAddress = remoteAddress
    }

    public var method: HTTPMethod { head.method }
    public var path: Substring { head.path }
    public var headers: HTTPHeaders { head.headers }

    /// The first query parameter called `name`, percent-decoded with `+` as space; nil if absent.
    public func queryParameter(_ name: String) -> String? {
        guard let query = head.query else { return nil }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard PercentEncoding.decode(parts[0], plusAsSpace: true) == name else { continue }
            return parts.count > 1 ? PercentEncoding.decode(parts[1], plusAsSpace: true) : ""
        }
        return nil
    }
}
