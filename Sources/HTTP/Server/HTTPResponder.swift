import Core
import Reactor

/// Handles one routed request; answers through the responder, now or later.
public typealias HTTPHandler = @Sendable (HTTPRequest, HTTPResponder) -> Void

/// The way back to the client for one request. Answer exactly once with `respond(_:)`.
///
/// Handlers that answer at once (the common case) do so on the loop thread and the answer joins the
/// read batch's single write. Handlers that await something (a store call, an upstream) may call
/// `respond` later from any thread: it hops to the connection's loop. Responses on a connection are
/// sent in request order, because the server reads the next pipelined request only after this one
/// has been answered.
public final class HTTPResponder: @unchecked Sendable {
    // @unchecked Sendable: every mutable field is touched on `loop`'s thread only; `respond` from another
    // thread hops there first.

    /// The loop of the request's connection.
    public let loop: EventLoop
    /// When the request head was complete (loop time), for latency metrics.
    public var receivedAt: Instant { storedReceivedAt }
    // Private storage rather than `public private(set)`: a property other modules can see gets a dynamic
    // exclusivity check on every write (~80 instructions in `prepareForReuse`, once per request); a private one
    // the optimiser can check statically.
    private var storedReceivedAt: Instant
    private weak var connection: HTTPServerConnection?
    private var isHeadRequest: Bool
    private var isAnswered = false

    init(connection: HTTPServerConnection, loop: EventLoop, isHeadRequest: Bool, receivedAt: Instant) {
        self.connection = connection
        self.loop = loop
        self.isHeadRequest = isHeadRequest
        self.storedReceivedAt = receivedAt
    }

    /// Readies this responder for the next request of its connection. Only for a responder that nothing but the
    /// connection references any more (see `HTTPServerConnection.makeResponder`): no one can tell it from a new one.
    func prepareForReuse(isHeadRequest: Bool, receivedAt: Instant) {
        self.isHeadRequest = isHeadRequest
        self.storedReceivedAt = receivedAt
        isAnswered = false
    }

    /// Sends `response`. A second call is a programmer error. Safe from any thread.
    public func respond(_ response: HTTPResponse) {
        guard loop.inEventLoop else {
            loop.execute { self.respond(response) }
            return
        }
        precondition(!isAnswered, "a request was answered twice")
        isAnswered = true
        connection?.send(response, omitBody: isHeadRequest)
    }

    // MARK: - Streaming

    /// Starts a chunked answer with `head` (for long-lived streams: logs, events). Follow with
    /// `writeChunk` and end with `finish`. Safe from any thread.
    public func startStream(_ head: HTTPResponseHead) {
        guard loop.inEventLoop else {
            loop.execute { self.startStream(head) }
            return
        }
        precondition(!isAnswered, "a request was answered twice")
        isAnswered = true
        connection?.startStream(head)
    }

    /// Sends one chunk of a streamed answer. Safe from any thread.
    public func writeChunk(_ chunk: ByteBuffer) {
        guard loop.inEventLoop else {
            loop.execute { self.writeChunk(chunk) }
            return
        }
        connection?.streamChunk(chunk)
    }

    /// Ends a streamed answer. Safe from any thread.
    public func finish() {
        guard loop.inEventLoop else {
            loop.execute { self.finish() }
            return
        }
        connection?.endStream()
    }

    /// Whether the client is gone (a stream should stop). Loop thread only.
    public var isClientGone: Bool { !(connection?.connection.isOpen ?? false) }

    /// Calls `body` once on the loop thread when the client's connection closes. Loop thread only.
    public func onClientGone(_ body: @escaping () -> Void) {
        guard let connection, connection.connection.isOpen else { return body() }
        let previous = connection.onClose
        connection.onClose = {
            previous?()
            body()
        }
    }

    /// `onClientGone` from any thread: hops to the loop first.
    public func onClientGoneFromAnyThread(_ body: @escaping @Sendable () -> Void) {
        guard loop.inEventLoop else {
            loop.execute { self.onClientGone(body) }
            return
        }
        onClientGone(body)
    }

    /// Awaits `body` in a task and sends its result; a thrown error becomes a 500.
    public func respond(_ body: @escaping @Sendable () async throws -> HTTPResponse) {
        Task {
            do {
                respond(try await body())
            } catch {
                respond(.error(.internalServerError, message: "internal error"))
            }
        }
    }
}
