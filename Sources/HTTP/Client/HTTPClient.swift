import Core
import Reactor
import Synchronization

/// An HTTP/1.1 client with a keep-alive connection pool per event loop, over TCP or Unix sockets.
///
/// From async code: `try await client.execute(request, to: address)`. Servers already on a loop use
/// `pool(on:)` and the pool's callback API, which stays on that loop. Thread-safe.
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    private let group: EventLoopGroup
    private let ownsGroup: Bool
    private let pools = Mutex<[ObjectIdentifier: PoolBox]>([:])
    /// Set by `shutdown`: a stopped loop runs no more tasks, so later calls fail at once instead of hanging.
    private let isShutDown = Atomic<Bool>(false)

    /// Holds a loop-confined pool in a Sendable container; only its loop uses the pool.
    private struct PoolBox: @unchecked Sendable {
        let pool: HTTPConnectionPool
    }

    /// A client on `group`'s loops, or on a single loop of its own when `group` is nil.
    public init(
        group: EventLoopGroup? = nil, configuration: HTTPClientConfiguration = HTTPClientConfiguration()
    )
        throws(IOError)
    {
        self.configuration = configuration
        if let group {
            self.group = group
            self.ownsGroup = false
        } else {
            self.group = try EventLoopGroup(loopCount: 1, name: "http-client")
            self.ownsGroup = true
        }
    }

    /// The pool of `loop` (created on first use). Loop thread only.
    public func pool(on loop: EventLoop) -> HTTPConnectionPool {
        precondition(loop.inEventLoop)
        let key = ObjectIdentifier(loop)
        return pools.withLock { pools in
            if let box = pools[key] { return box.pool }
            let pool = HTTPConnectionPool(loop: loop, configuration: configuration)
            pools[key] = PoolBox(pool: pool)
            return pool
        }
    }

    /// Sends `request` to `upstream` and returns the whole response.
    public func execute(
        _ request: HTTPClientRequest, to upstream: SocketAddress
    ) async throws(HTTPClientError)
        -> HTTPClientResponse
    {
        try checkOpen(upstream)
        let loop = group.next()
        let result: Result<HTTPClientResponse, HTTPClientError> = await withCheckedContinuation { continuation in
            loop.execute {
                self.pool(on: loop).execute(request, to: upstream) { continuation.resume(returning: $0) }
            }
        }
        return try result.get()
    }

    /// Sends `request` and calls `onBody` (on a loop thread) with each body chunk as it arrives; returns
    /// when the stream ends. For long-lived answers such as `stack logs -f`.
    public func stream(
        _ request: HTTPClientRequest, to upstream: SocketAddress,
        onBody: @escaping @Sendable (HTTPResponseHead, ByteBuffer) -> Void
    ) async throws(HTTPClientError) -> HTTPResponseHead {
        try checkOpen(upstream)
        let loop = group.next()
        let result: Result<HTTPClientResponse, HTTPClientError> = await withCheckedContinuation { continuation in
            loop.execute {
                self.pool(on: loop).stream(request, to: upstream, onBody: onBody) { continuation.resume(returning: $0) }
            }
        }
        return try result.get().head
    }

    /// `GET target` from `upstream`.
    public func get(
        _ target: String, from upstream: SocketAddress, headers: HTTPHeaders = [:]
    ) async throws(HTTPClientError)
        -> HTTPClientResponse
    {
        try await execute(HTTPClientRequest(method: .GET, target: target, headers: headers), to: upstream)
    }

    /// Stops the client's own loop (a shared group is left running). Later calls fail with
    /// `.connectionClosed`.
    public func shutdown() {
        isShutDown.store(true, ordering: .releasing)
        if ownsGroup { group.shutdown() }
    }

    private func checkOpen(_ upstream: SocketAddress) throws(HTTPClientError) {
        if isShutDown.load(ordering: .acquiring) {
            throw HTTPClientError(.connectionClosed, "unable to send to \(upstream): the client was shut down")
        }
    }
}
