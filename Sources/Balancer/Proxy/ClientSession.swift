import Core
import HTTP
import Reactor

/// One client connection: decodes its requests, relays each to an upstream and the answer back, one
/// request at a time (pipelined ones wait in the inbound buffer), retrying on another upstream when the
/// rules allow. Confined to its loop's thread.
///
/// Bodies stream both ways: a chunk is written on as soon as it is decoded, and each side's reading pauses
/// while the other side's output is above its high watermark, so a large body never sits in memory whole.
final class ClientSession: ConnectionHandler {
    private enum State {
        /// Waiting for (the rest of) a request head.
        case idle
        /// A request is being relayed.
        case exchanging
        /// The last answer went out; closing once flushed.
        case closing
    }

    let connection: Connection
    // unowned(unsafe): the loop's state outlives every session (it closes them all before it goes), and a
    // checked unowned reference costs an atomic retain and release on each use.
    unowned(unsafe) let owner: ProxyLoop
    private var decoder: HTTPRequestDecoder
    private var state = State.idle
    /// The client's address as text (`X-Forwarded-For`) and as a hash key (source-hash balancing, rate limit).
    let clientHost: String
    let clientKey: UInt32
    /// When the first byte of a partial head arrived, for the header timeout.
    private(set) var requestStartedAt: Instant?
    private(set) var hasServedRequest = false
    private var isProcessingInbound = false

    // The current exchange (valid while `.exchanging`).
    private var method = HTTPMethod.GET
    private var requestID = ""
    private var headBytes = ByteBuffer()
    private var requestFraming = HTTPBodyFraming.none
    private var hasIdempotencyKey = false
    private var keepAlive = true
    private var isHTTP10 = false
    private var exchangeStartedAt = Instant(nanoseconds: 0)
    /// Whether the client has sent the whole request.
    private var requestComplete = false
    /// Body bytes kept for a retry (all of them while within `retryBodyLimit`).
    private var keptBody = ByteBuffer()
    /// Whether body bytes went upstream that `keptBody` no longer holds: no retry is possible then.
    private var bodyOverflowed = false
    private var tried: [ObjectIdentifier] = []
    private var slot: UpstreamSlot?
    private var upstream: UpstreamConnection?
    /// Whether the upstream has the head (and the kept body) of the current attempt.
    private var isAttached = false
    private var responseStarted = false
    private var responseCode = 0
    /// Whether the answer goes to the client chunked (the upstream's was chunked or delimited by its close).
    private var chunksToClient = false
    private var upstreamKeepAlive = true
    private var lastFailure: UpstreamFailure?

    init(connection: Connection, owner: ProxyLoop) {
        self.connection = connection
        self.owner = owner
        self.decoder = HTTPRequestDecoder(limits: owner.settings.requestLimits)
        if case .ipv4(let address, _) = connection.remoteAddress {
            clientKey = address
        } else {
            clientKey = 0
        }
        clientHost = connection.remoteAddress?.host ?? "unknown"
    }

    // MARK: - Client side

    func connectionDidRead(_ connection: Connection) {
        processInbound()
    }

    func connectionDidReadEOF(_ connection: Connection) {
        switch state {
        case .exchanging where requestComplete:
            // Half-closed after its request: answer, then close.
            keepAlive = false
        case .idle where decoder.isIdle && connection.inbound.isEmpty:
            connection.closeGracefully()
        case .idle, .exchanging:
            // A request cut short: nothing to answer.
            abandon()
        case .closing:
            break
        }
    }

    func connectionWritabilityChanged(_ connection: Connection, isWritable: Bool) {
        guard let upstream else { return }
        if isWritable { upstream.connection.resumeReading() } else { upstream.connection.pauseReading() }
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) {
        if case .exchanging = state { abandon() }
        owner.remove(self)
    }

    private func processInbound() {
        guard !isProcessingInbound else { return }
        isProcessingInbound = true
        defer { isProcessingInbound = false }
        while connection.isOpen {
            switch state {
            case .closing: return
            case .exchanging where requestComplete: return
            case .idle where connection.inbound.isEmpty: return
            case .idle, .exchanging: break
            }
            let part: HTTPRequestPart?
            do {
                part = try decoder.decode(&connection.inbound)
            } catch let error as HTTPParserError {
                if case .exchanging = state {
                    // The body went wrong after the upstream has the head: nothing useful can follow.
                    abandon()
                    connection.close()
                } else {
                    respondLocally(error.status, code: "bad_request", message: error.message, close: true)
                }
                return
            } catch {
                connection.close()
                return
            }
            guard let part else {
                if case .idle = state, requestStartedAt == nil { requestStartedAt = owner.loop.now }
                return
            }
            switch part {
            case .head(let head): begin(head)
            case .body(let chunk): forwardBody(chunk)
            case .end: finishRequestBody()
            }
        }
    }

    private func begin(_ head: HTTPRequestHead) {
        requestStartedAt = nil
        method = head.method
        keepAlive = head.isKeepAlive && !owner.isDraining
        isHTTP10 = !head.version.isAtLeastHTTP11
        exchangeStartedAt = owner.loop.now
        requestFraming = decoder.currentBodyFraming
        hasIdempotencyKey = false
        requestComplete = decoder.skipEndIfBodiless()
        keptBody.clear()
        bodyOverflowed = false
        tried.removeAll(keepingCapacity: true)
        responseStarted = false
        lastFailure = nil
        state = .exchanging

        if let retryAfter = owner.admit(client: clientKey) {
            requestID = RequestID.accepted(head.headers.first(name: "x-request-id")) ?? owner.newRequestID()
            owner.metrics.rateLimited.increment()
            respondLocally(
                .tooManyRequests, code: "rate_limited", message: "too many requests from \(clientHost)",
                extraHeaders: "Retry-After: \(retryAfter)\r\n", close: !requestComplete)
            return
        }
        if head.expectsContinue && !requestComplete {
            connection.withOutbound { $0.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n") }
        }
        headBytes.clear()
        requestID = owner.rewriter.writeRequestHead(
            head, clientHost: clientHost, framing: requestFraming, into: &headBytes,
            hasIdempotencyKey: &hasIdempotencyKey, newID: owner.newRequestID)
        attempt()
    }

    private func forwardBody(_ chunk: ByteBuffer) {
        guard case .exchanging = state else { return }
        if isAttached, let upstream {
            writeBody(chunk, to: upstream.connection)
            if !bodyOverflowed {
                if keptBody.readableBytes + chunk.readableBytes <= owner.settings.retryBodyLimit {
                    keptBody.writeBuffer(chunk)
                } else {
                    bodyOverflowed = true
                    keptBody = ByteBuffer()
                }
            }
            if !upstream.connection.isWritableNow { connection.pauseReading() }
        } else {
            // No upstream has the head yet: hold the bytes, and stop reading once holding more than a retry keeps.
            keptBody.writeBuffer(chunk)
            if keptBody.readableBytes > owner.settings.retryBodyLimit { connection.pauseReading() }
        }
    }

    private func finishRequestBody() {
        guard case .exchanging = state else { return }
        requestComplete = true
        if isAttached, let upstream, requestFraming == .chunked {
            upstream.connection.withOutbound { HTTPRequestEncoder().writeLastChunk(into: &$0) }
        }
    }

    private func writeBody(_ chunk: ByteBuffer, to connection: Connection) {
        guard chunk.readableBytes > 0 else { return }
        if requestFraming == .chunked {
            connection.withOutbound { HTTPRequestEncoder().writeChunk(chunk, into: &$0) }
        } else {
            connection.write(chunk)
        }
    }

    // MARK: - Attempts

    /// Sends the request to the next upstream the algorithm picks, or answers 502/503/504 when there is none.
    private func attempt() {
        guard let chosen = owner.choose(clientKey: clientKey, excluding: tried) else {
            if let lastFailure {
                let timedOut = lastFailure == .connectTimedOut || lastFailure == .readTimedOut
                respondLocally(
                    timedOut ? .gatewayTimeout : .badGateway, code: timedOut ? "upstream_timeout" : "bad_gateway",
                    message: "no upstream answered (\(tried.count) tried)", close: !requestComplete)
            } else {
                respondLocally(
                    .serviceUnavailable, code: "no_upstream", message: "no healthy upstream",
                    extraHeaders: "Retry-After: 1\r\n", close: !requestComplete)
            }
            return
        }
        tried.append(ObjectIdentifier(chosen))
        slot = chosen
        chosen.beginRequest()
        isAttached = false
        if let idle = chosen.takeIdle(now: owner.loop.now, idleTimeout: owner.settings.upstreamIdleTimeout) {
            send(on: idle)
            return
        }
        chosen.connect(settings: owner.settings, limits: owner.responseLimits) { [weak self] result in
            guard let self else {
                if case .success(let upstream) = result { chosen.release(upstream, maxIdle: Int.max) }
                chosen.endRequest()
                return
            }
            guard case .exchanging = self.state, self.slot === chosen else {
                if case .success(let upstream) = result {
                    chosen.release(upstream, maxIdle: self.owner.settings.idleConnectionsPerUpstream)
                }
                return
            }
            switch result {
            case .success(let upstream): self.send(on: upstream)
            case .failure(let failure): self.attemptFailed(failure)
            }
        }
    }

    private func send(on upstream: UpstreamConnection) {
        self.upstream = upstream
        upstream.attach(to: self, method: method)
        isAttached = true
        upstreamKeepAlive = true
        let out = upstream.connection
        out.write(headBytes)
        if keptBody.readableBytes > 0 {
            writeBody(keptBody, to: out)
            if keptBody.readableBytes > owner.settings.retryBodyLimit {
                bodyOverflowed = true
                keptBody = ByteBuffer()
            }
        }
        if requestComplete && requestFraming == .chunked {
            out.withOutbound { HTTPRequestEncoder().writeLastChunk(into: &$0) }
        }
        if !requestComplete { connection.resumeReading() }
        out.flushNow()
    }

    /// The current attempt failed before any answer reached the client: retry elsewhere when allowed,
    /// otherwise answer 502/504.
    private func attemptFailed(_ failure: UpstreamFailure) {
        guard let slot else { return }
        let reused = upstream?.hasCarriedRequest ?? false
        if let upstream {
            self.upstream = nil
            upstream.session = nil
            upstream.connection.close()
        }
        isAttached = false
        slot.endRequest()
        self.slot = nil
        // The keep-alive race on a reused connection is no fault of the upstream's.
        if !(failure == .resetBeforeResponse && reused) {
            _ = slot.passive.recordFailure(at: owner.loop.now)
            slot.target.failures.add(1, ordering: .relaxed)
        }
        lastFailure = failure
        let nothingSent = failure == .connectFailed || failure == .connectTimedOut
        let mayRetry =
            (nothingSent || !bodyOverflowed)
            && owner.settings.retryPolicy.mayRetry(
                method: method, hasIdempotencyKey: hasIdempotencyKey, failure: failure, attempt: tried.count,
                responseStarted: false)
        guard mayRetry else {
            let timedOut = failure == .connectTimedOut || failure == .readTimedOut
            respondLocally(
                timedOut ? .gatewayTimeout : .badGateway, code: timedOut ? "upstream_timeout" : "bad_gateway",
                message: "upstream \(slot.target.name) failed", close: !requestComplete)
            return
        }
        owner.metrics.retries.increment()
        attempt()
    }

    // MARK: - Upstream side

    func upstreamReceived(_ part: HTTPResponsePart, from upstream: UpstreamConnection) {
        guard upstream === self.upstream, case .exchanging = state else { return }
        switch part {
        case .head(let head):
            let code = head.status.code
            if code >= 502 && code <= 504, requestComplete, !bodyOverflowed,
                owner.settings.retryPolicy.mayRetry(
                    method: method, hasIdempotencyKey: hasIdempotencyKey, failure: .status(code), attempt: tried.count,
                    responseStarted: false),
                owner.hasOtherCandidate(excluding: tried)
            {
                attemptFailed(.status(code))
                return
            }
            responseStarted = true
            responseCode = code
            upstreamKeepAlive = head.isKeepAlive
            let (decoded, untilClose) = upstream.decoder.currentBodyFraming
            let isBodiless = method == .HEAD || code < 200 || code == 204 || code == 304
            // The decoder says `.none` for an empty body too: the client must still be told its length.
            let framing = decoded == .none && !isBodiless ? .length(0) : decoded
            if untilClose { upstreamKeepAlive = false }
            var clientFraming = framing
            chunksToClient = framing == .chunked
            if chunksToClient && isHTTP10 {
                // An HTTP/1.0 client cannot read chunks: the close ends its body.
                chunksToClient = false
                clientFraming = .none
                keepAlive = false
            }
            if !requestComplete { keepAlive = false }
            let servedBy = slot?.target.name ?? ""
            connection.withOutbound { out in
                owner.rewriter.writeResponseHead(
                    head, framing: clientFraming, isBodiless: isBodiless, servedBy: servedBy, requestID: requestID,
                    keepAlive: keepAlive, announceKeepAlive: keepAlive && isHTTP10, into: &out)
            }
        case .body(let chunk):
            guard chunk.readableBytes > 0 else { return }
            if chunksToClient {
                connection.withOutbound { HTTPResponseEncoder().writeChunk(chunk, into: &$0) }
            } else {
                connection.write(chunk)
            }
            if !connection.isWritableNow { upstream.connection.pauseReading() }
        case .end:
            if chunksToClient { connection.withOutbound { HTTPResponseEncoder().writeLastChunk(into: &$0) } }
            finishExchange()
        }
    }

    func upstreamFailed(_ upstream: UpstreamConnection, _ failure: UpstreamFailure) {
        guard upstream === self.upstream, case .exchanging = state else { return }
        if responseStarted {
            // Part of the answer is out: the client can only learn of the failure by the close.
            abandon()
            connection.close()
        } else {
            attemptFailed(failure)
        }
    }

    func upstreamWritabilityChanged(_ isWritable: Bool) {
        if isWritable, !requestComplete { connection.resumeReading() }
    }

    /// The answer is complete: account, hand the upstream connection back, go on with the next request.
    private func finishExchange() {
        let now = owner.loop.now
        if let slot {
            slot.endRequest()
            _ = slot.passive.recordSuccess(at: now)
            slot.countAnswer(code: responseCode)
            slot.target.requests.add(1, ordering: .relaxed)
            slot.target.totalMicros.add(Int((now - exchangeStartedAt).nanoseconds / 1000), ordering: .relaxed)
            if let upstream {
                if requestComplete && upstreamKeepAlive {
                    slot.release(upstream, maxIdle: owner.settings.idleConnectionsPerUpstream)
                } else {
                    upstream.session = nil
                    upstream.connection.close()
                }
            }
        }
        owner.recordAnswer(
            requestID: requestID, method: method, code: responseCode, upstream: slot?.target.name ?? "none",
            duration: now - exchangeStartedAt)
        upstream = nil
        slot = nil
        isAttached = false
        endExchange()
    }

    private func endExchange() {
        hasServedRequest = true
        keptBody.clear()
        if keepAlive && requestComplete {
            state = .idle
            if !isProcessingInbound && !connection.inbound.isEmpty { processInbound() }
        } else {
            state = .closing
            connection.closeGracefully()
        }
    }

    /// Drops the exchange without an answer (the client or the upstream is gone mid-way).
    private func abandon() {
        if let upstream {
            self.upstream = nil
            upstream.session = nil
            upstream.connection.close()
        }
        if let slot {
            slot.endRequest()
            self.slot = nil
        }
        isAttached = false
        state = .closing
    }

    // MARK: - Local answers

    /// Answers from the balancer itself (429, 502, 503, 504, 4xx for malformed requests) with the API's
    /// error shape: `{"error": {"code", "message"}}`.
    private func respondLocally(
        _ status: HTTPResponseStatus, code: String, message: String, extraHeaders: String = "", close: Bool
    ) {
        if slot != nil || upstream != nil { abandon() }
        if close { keepAlive = false }
        if requestID.isEmpty { requestID = owner.newRequestID() }
        let body = "{\"error\":{\"code\":\"\(code)\",\"message\":\"\(HeadRewriter.jsonEscaped(message))\"}}\n"
        connection.withOutbound { out in
            out.writeStaticString("HTTP/1.1 ")
            out.writeDecimal(status.code)
            out.writeString(" \(status.reasonPhrase)\r\nContent-Type: application/json\r\nContent-Length: ")
            out.writeDecimal(body.utf8.count)
            out.writeString("\r\nX-Request-ID: \(requestID)\r\n\(extraHeaders)")
            if !keepAlive { out.writeStaticString("Connection: close\r\n") }
            out.writeStaticString("\r\n")
            if method != .HEAD { out.writeString(body) }
        }
        owner.metrics.requests.labels("none", String(status.code)).increment()
        owner.recordAnswer(
            requestID: requestID, method: method, code: status.code, upstream: "none",
            duration: owner.loop.now - exchangeStartedAt)
        requestComplete = requestComplete || !keepAlive
        state = .exchanging
        endExchange()
    }

    // MARK: - Timeouts

    /// Applies the client and upstream timeouts; called by the loop's sweep.
    func checkTimeouts(now: Instant) {
        let settings = owner.settings
        switch state {
        case .idle:
            if let started = requestStartedAt, now - started > settings.clientHeaderTimeout {
                exchangeStartedAt = now
                requestID = ""
                respondLocally(.requestTimeout, code: "timeout", message: "request not received in time", close: true)
            } else if requestStartedAt == nil, now - connection.lastReadAt > settings.clientIdleTimeout {
                connection.close()
            }
        case .exchanging:
            if !requestComplete, now - connection.lastReadAt > settings.clientBodyTimeout, connection.isWritableNow {
                if responseStarted {
                    abandon()
                    connection.close()
                } else {
                    respondLocally(
                        .requestTimeout, code: "timeout", message: "request body not received in time", close: true)
                }
            } else if let upstream, isAttached, now - upstream.lastActivity > settings.upstreamReadTimeout,
                upstream.connection.isWritableNow, connection.isWritableNow
            {
                upstreamFailed(upstream, .readTimedOut)
            }
        case .closing:
            break
        }
    }

    /// For draining: closes now if idle; otherwise after the current answer.
    func drain() {
        switch state {
        case .idle where requestStartedAt == nil: connection.close()
        case .idle, .exchanging: keepAlive = false
        case .closing: break
        }
    }
}
