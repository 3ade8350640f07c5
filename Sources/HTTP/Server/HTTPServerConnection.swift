import Core
import Reactor

/// One client connection of an `HTTPServer`: decodes requests, routes them, writes the answers in order.
///
/// Confined to its loop's thread. One request is in flight at a time: further pipelined requests wait
/// in the inbound buffer until the current one is answered, which keeps answers in request order.
final class HTTPServerConnection: ConnectionHandler {
    private enum State {
        /// Waiting for (the rest of) a request head.
        case idle
        /// Head decoded, collecting the body.
        case readingBody(HTTPRequestHead, ByteBuffer)
        /// The request went to its handler; waiting for `respond`.
        case awaitingResponse(keepAlive: Bool)
        /// A chunked answer is being streamed.
        case streaming(keepAlive: Bool)
        /// An error answer or the last answer went out; the connection closes once it is flushed.
        case closing
    }

    let connection: Connection
    private let shared: HTTPServerLoop
    private var decoder: HTTPRequestDecoder
    private var state: State = .idle
    /// Whether a request has been answered on this connection (an idle timeout then closes silently).
    private(set) var hasServedRequest = false
    /// When the first byte of the current partial request arrived, for the header timeout.
    private(set) var requestStartedAt: Instant?
    /// Whether the current request is HTTP/1.0: its client keeps the connection only when the answer
    /// says `Connection: keep-alive` (RFC 9112 section 9.3).
    private var isHTTP10Request = false
    /// Whether `processInbound` is on the stack: an answer given synchronously from a handler then leaves
    /// the next pipelined request to that loop instead of recursing into it (one stack frame chain per
    /// buffered request would overflow the stack with a long pipeline).
    private var isProcessingInbound = false
    /// The last responder handed out, reused for the next request when nothing else holds it any more.
    private var spareResponder: HTTPResponder?

    init(connection: Connection, shared: HTTPServerLoop) {
        self.connection = connection
        self.shared = shared
        self.decoder = HTTPRequestDecoder(limits: shared.configuration.limits)
    }

    /// Whether nothing is in progress: no partial request, no pending answer.
    var isIdle: Bool {
        if case .idle = state { return connection.inbound.isEmpty }
        return false
    }

    // MARK: - ConnectionHandler

    func connectionDidRead(_ connection: Connection) {
        processInbound()
    }

    func connectionDidReadEOF(_ connection: Connection) {
        switch state {
        case .awaitingResponse:
            // The client half-closed after sending its request: answer, then close.
            state = .awaitingResponse(keepAlive: false)
        case .streaming:
            state = .streaming(keepAlive: false)
        case .idle, .readingBody, .closing:
            connection.closeGracefully()
        }
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) {
        shared.remove(self)
        let onClose = self.onClose
        self.onClose = nil
        onClose?()
    }

    /// Called once when the connection closes (a streaming handler stops producing).
    var onClose: (() -> Void)?

    // MARK: - Requests

    private func processInbound() {
        guard !isProcessingInbound else { return }
        isProcessingInbound = true
        defer { isProcessingInbound = false }
        while connection.isOpen {
            switch state {
            case .awaitingResponse, .streaming, .closing:
                return
            case .idle:
                // Between requests with nothing buffered the decoder can only say "need more bytes"; asking it
                // costs two dynamically checked accesses (the decoder and the connection's buffer) at the end of
                // every read batch.
                if connection.inbound.isEmpty { return }
            case .readingBody:
                break
            }
            let part: HTTPRequestPart?
            do {
                part = try decoder.decode(&connection.inbound)
            } catch let error as HTTPParserError {
                fail(error.status, message: error.message)
                return
            } catch {
                fail(.badRequest, message: "unable to parse request")
                return
            }
            guard let part else {
                if !connection.inbound.isEmpty || isReadingBody {
                    if requestStartedAt == nil { requestStartedAt = shared.loop.now }
                }
                return
            }
            switch part {
            case .head(let head):
                if requestStartedAt == nil { requestStartedAt = shared.loop.now }
                if head.expectsContinue {
                    connection.withOutbound { $0.writeString("HTTP/1.1 100 Continue\r\n\r\n") }
                }
                if decoder.skipEndIfBodiless() {
                    dispatch(head: head, body: ByteBuffer())
                } else {
                    state = .readingBody(head, ByteBuffer())
                }
            case .body(let chunk):
                guard case .readingBody(let head, var body) = state else { continue }
                state = .idle  // drop the reference so `body` stays uniquely owned while appending
                body.writeBuffer(chunk)
                state = .readingBody(head, body)
            case .end:
                guard case .readingBody(let head, let body) = state else { continue }
                dispatch(head: head, body: body)
            }
        }
    }

    private var isReadingBody: Bool {
        if case .readingBody = state { return true }
        return false
    }

    private func dispatch(head: HTTPRequestHead, body: ByteBuffer) {
        let keepAlive = head.isKeepAlive && !shared.isDraining
        isHTTP10Request = !head.version.isAtLeastHTTP11
        state = .awaitingResponse(keepAlive: keepAlive)
        requestStartedAt = nil
        let responder = makeResponder(isHeadRequest: head.method == .HEAD)
        switch shared.router.match(method: head.method, path: HTTPServerConnection.path(of: head.target)) {
        case .found(let handler, let template, let parameters):
            let request = HTTPRequest(
                head: head, body: body, pathParameters: parameters, route: template,
                remoteAddress: connection.remoteAddress)
            handler(request, responder)
        case .methodNotAllowed(let allowed):
            var response = shared.configuration.errorResponse(
                .methodNotAllowed, "method \(head.method) not allowed")
            response.headers.add(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            responder.respond(response)
        case .notFound:
            responder.respond(shared.configuration.errorResponse(.notFound, "no route for \(head.path)"))
        }
    }

    /// `HTTPRequestHead.path` (the target up to the first `?`) found over contiguous bytes: the generic search
    /// over `String.UTF8View` it uses costs ~500 instructions per request, this a few dozen.
    static func path(of target: String) -> Substring {
        var target = target
        let mark = target.withUTF8 { bytes -> Int? in
            for index in bytes.indices where bytes[index] == UInt8(ascii: "?") { return index }
            return nil
        }
        guard let mark else { return target[...] }
        return target[..<target.utf8.index(target.utf8.startIndex, offsetBy: mark)]
    }

    /// A responder for the request being dispatched.
    ///
    /// Most handlers answer at once and keep no reference to their responder, so the previous one is usually
    /// referenced by `spareResponder` alone by the time the next request comes: reusing it saves an allocation,
    /// a free and the weak-reference bookkeeping per request. One still held elsewhere (an answer from a task,
    /// a stream) may yet be used, so it is left alone and a new one is made.
    private func makeResponder(isHeadRequest: Bool) -> HTTPResponder {
        let now = shared.loop.now
        if isKnownUniquelyReferenced(&spareResponder), let responder = spareResponder {
            responder.prepareForReuse(isHeadRequest: isHeadRequest, receivedAt: now)
            return responder
        }
        let responder = HTTPResponder(
            connection: self, loop: shared.loop, isHeadRequest: isHeadRequest, receivedAt: now)
        spareResponder = responder
        return responder
    }

    /// Answers a protocol error and closes: the request's framing is lost.
    private func fail(_ status: HTTPResponseStatus, message: String) {
        state = .awaitingResponse(keepAlive: false)
        isHTTP10Request = false
        send(shared.configuration.errorResponse(status, message), omitBody: false)
    }

    /// Writes the answer to the current request; continues with pipelined requests or closes.
    func send(_ response: HTTPResponse, omitBody: Bool) {
        guard case .awaitingResponse(let keepAlive) = state, connection.isOpen else { return }
        hasServedRequest = true
        shared.encodeResponse(
            response, keepAlive: keepAlive, announceKeepAlive: keepAlive && isHTTP10Request, omitBody: omitBody,
            into: connection)
        finishAnswer(keepAlive: keepAlive)
    }

    private func finishAnswer(keepAlive: Bool) {
        if keepAlive {
            state = .idle
            // Pipelined requests may already be buffered; when called from a later hop, parse them now
            // (when called from a handler inside `processInbound`, its loop goes on with them, and the
            // dynamically checked look at the buffer would be wasted).
            if !isProcessingInbound && !connection.inbound.isEmpty { processInbound() }
        } else {
            state = .closing
            connection.closeGracefully()
        }
    }

    // MARK: - Streaming

    /// Sends the head of a chunked answer; the body follows with `streamChunk` and `endStream`.
    func startStream(_ head: HTTPResponseHead) {
        guard case .awaitingResponse(let keepAlive) = state, connection.isOpen else { return }
        hasServedRequest = true
        state = .streaming(keepAlive: keepAlive)
        shared.encodeStreamHead(head, keepAlive: keepAlive, into: connection)
    }

    /// Sends one chunk of a streamed answer.
    func streamChunk(_ chunk: ByteBuffer) {
        guard case .streaming = state, connection.isOpen else { return }
        connection.withOutbound { HTTPResponseEncoder().writeChunk(chunk, into: &$0) }
    }

    /// Ends a streamed answer.
    func endStream() {
        guard case .streaming(let keepAlive) = state, connection.isOpen else { return }
        connection.withOutbound { HTTPResponseEncoder().writeLastChunk(into: &$0) }
        finishAnswer(keepAlive: keepAlive)
    }

    /// Closes a connection that sent nothing for too long: 408 if it owes us a request, silently otherwise.
    func timeOut() {
        switch state {
        case .idle where connection.inbound.isEmpty && hasServedRequest:
            connection.close()
        case .idle, .readingBody:
            state = .awaitingResponse(keepAlive: false)
            send(shared.configuration.errorResponse(.requestTimeout, "request not received in time"), omitBody: false)
        case .awaitingResponse, .streaming, .closing:
            break
        }
    }

    /// For draining: closes now if idle, otherwise after the current answer.
    func drain() {
        if isIdle {
            connection.close()
        } else if case .awaitingResponse = state {
            state = .awaitingResponse(keepAlive: false)
        } else if case .streaming = state {
            // A stream has no natural end: stop it now.
            connection.close()
        }
    }
}
