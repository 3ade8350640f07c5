import Core
import Reactor

/// Keep-alive connections to any number of upstreams, owned by one event loop.
///
/// Requests reuse an idle connection to the same upstream (most recently used first, so a pool sized
/// to the concurrency keeps its connections warm) or open a new one. A reused connection that turns
/// out closed before any response byte is retried once on a fresh connection when the request is
/// idempotent. Confined to its loop's thread.
public final class HTTPConnectionPool {
    /// The loop that owns the pool and all its connections.
    public let loop: EventLoop
    public let configuration: HTTPClientConfiguration
    private var idle: [SocketAddress: [HTTPClientConnection]] = [:]
    private var busy: [ObjectIdentifier: HTTPClientConnection] = [:]

    public init(loop: EventLoop, configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.loop = loop
        self.configuration = configuration
    }

    /// Sends `request` to `upstream`; `completion` runs once on the loop thread. Loop thread only.
    public func execute(
        _ request: HTTPClientRequest, to upstream: SocketAddress,
        _ completion: @escaping (Result<HTTPClientResponse, HTTPClientError>) -> Void
    ) {
        precondition(loop.inEventLoop, "HTTPConnectionPool is used on its loop's thread")
        if let reused = takeIdle(upstream) {
            send(request, on: reused) { [weak self] result in
                if case .failure(let error) = result, error.code == .connectionClosed, !reused.receivedResponseBytes,
                    request.isIdempotent, let self
                {
                    self.openAndSend(request, to: upstream, timeout: self.configuration.readTimeout, completion)
                } else {
                    completion(result)
                }
            }
        } else {
            openAndSend(request, to: upstream, timeout: configuration.readTimeout, completion)
        }
    }

    /// Sends `request` on a new connection and hands each body chunk to `onBody` as it arrives, with no
    /// read timeout: for long-lived streams (logs, events). `completion` runs when the stream ends.
    public func stream(
        _ request: HTTPClientRequest, to upstream: SocketAddress,
        onBody: @escaping (HTTPResponseHead, ByteBuffer) -> Void,
        _ completion: @escaping (Result<HTTPClientResponse, HTTPClientError>) -> Void
    ) {
        precondition(loop.inEventLoop, "HTTPConnectionPool is used on its loop's thread")
        openAndSend(request, to: upstream, timeout: nil, onBody: onBody, completion)
    }

    /// Idle connections per upstream, for metrics and tests.
    public func idleCount(for upstream: SocketAddress) -> Int { idle[upstream]?.count ?? 0 }

    /// Closes every idle connection to `upstream` (it was removed or went down).
    public func closeIdle(to upstream: SocketAddress) {
        for connection in idle.removeValue(forKey: upstream) ?? [] { connection.connection.close() }
    }

    private func takeIdle(_ upstream: SocketAddress) -> HTTPClientConnection? {
        let now = loop.now
        while var list = idle[upstream], let candidate = list.popLast() {
            idle[upstream] = list
            if candidate.connection.isOpen && now - candidate.idleSince < configuration.idleTimeout {
                return candidate
            }
            candidate.connection.close()
        }
        return nil
    }

    private func openAndSend(
        _ request: HTTPClientRequest, to upstream: SocketAddress, timeout: TimeAmount?,
        onBody: ((HTTPResponseHead, ByteBuffer) -> Void)? = nil,
        _ completion: @escaping (Result<HTTPClientResponse, HTTPClientError>) -> Void
    ) {
        Connection.connect(to: upstream, on: loop, timeout: configuration.connectTimeout) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error):
                let code: HTTPClientError.Code = error.isTimeout ? .connectTimeout : .connectFailed
                completion(.failure(HTTPClientError(code, error.description, underlying: error)))
            case .success(let connection):
                let client = HTTPClientConnection(
                    connection: connection, upstream: upstream, pool: self, limits: self.configuration.limits)
                connection.handler = client
                self.busy[ObjectIdentifier(client)] = client
                client.send(
                    request, timeout: timeout, onBody: onBody, completion)
            }
        }
    }

    private func send(
        _ request: HTTPClientRequest, on client: HTTPClientConnection,
        _ completion: @escaping (Result<HTTPClientResponse, HTTPClientError>) -> Void
    ) {
        busy[ObjectIdentifier(client)] = client
        client.send(request, timeout: configuration.readTimeout, completion)
    }

    func release(_ client: HTTPClientConnection) {
        busy.removeValue(forKey: ObjectIdentifier(client))
        var list = idle[client.upstream] ?? []
        guard list.count < configuration.maxIdlePerUpstream else {
            client.connection.close()
            return
        }
        client.idleSince = loop.now
        list.append(client)
        idle[client.upstream] = list
    }

    func remove(_ client: HTTPClientConnection) {
        busy.removeValue(forKey: ObjectIdentifier(client))
        if var list = idle[client.upstream], let index = list.firstIndex(where: { $0 === client }) {
            list.remove(at: index)
            idle[client.upstream] = list
        }
    }
}
