import Core
import Reactor

/// One keep-alive connection to an upstream, carrying one request at a time. Loop-confined.
final class HTTPClientConnection: ConnectionHandler {
    typealias Completion = (Result<HTTPClientResponse, HTTPClientError>) -> Void

    let connection: Connection
    let upstream: SocketAddress
    private weak var pool: HTTPConnectionPool?
    private var decoder: HTTPResponseDecoder
    private var completion: Completion?
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()
    private var timer: LoopTimer?
    private var requestKeepAlive = true
    /// When set, body chunks go here as they arrive instead of being gathered.
    private var onBody: ((HTTPResponseHead, ByteBuffer) -> Void)?
    /// Whether any byte of the current response arrived (a reused connection that closes before
    /// that is the keep-alive race, safe to retry for idempotent requests).
    private(set) var receivedResponseBytes = false
    /// How many requests this connection has carried.
    private(set) var requestCount = 0
    /// When it was last returned to the pool.
    var idleSince: Instant

    init(connection: Connection, upstream: SocketAddress, pool: HTTPConnectionPool, limits: HTTPDecoderLimits) {
        self.connection = connection
        self.upstream = upstream
        self.pool = pool
        self.decoder = HTTPResponseDecoder(limits: limits)
        self.idleSince = connection.loop.now
    }

    var isBusy: Bool { completion != nil }

    /// Writes `request` and calls `completion` once with the whole response or the failure.
    func send(
        _ request: HTTPClientRequest, timeout: TimeAmount?, onBody: ((HTTPResponseHead, ByteBuffer) -> Void)? = nil,
        _ completion: @escaping Completion
    ) {
        precondition(self.completion == nil, "one request at a time per connection")
        self.completion = completion
        self.onBody = onBody
        requestCount += 1
        receivedResponseBytes = false
        head = nil
        body.clear()
        requestKeepAlive = !request.headers.containsToken("close", inFieldsNamed: "Connection")
        decoder.expectResponse(to: request.method)
        if let timeout {
            let upstream = self.upstream
            timer = connection.loop.schedule(after: timeout) { [weak self] in
                let message = "unable to read response from \(upstream): timed out"
                self?.finish(.failure(HTTPClientError(.readTimeout, message)), reusable: false)
            }
        }
        var headers = request.headers
        if !headers.contains(name: "Host") { headers.add(name: "Host", value: upstream.description) }
        let head = HTTPRequestHead(method: request.method, target: request.target, headers: headers)
        let hasBody = request.body.readableBytes > 0 || request.method == .POST || request.method == .PUT
        connection.withOutbound { out in
            HTTPRequestEncoder().writeRequest(head, body: hasBody ? request.body : nil, into: &out)
        }
    }

    // MARK: - ConnectionHandler

    func connectionDidRead(_ connection: Connection) {
        guard completion != nil else {
            // Bytes nobody asked for: the upstream broke the exchange; do not reuse this connection.
            connection.close()
            return
        }
        receivedResponseBytes = true
        decodeAvailable(atEOF: false)
    }

    func connectionDidReadEOF(_ connection: Connection) {
        if completion != nil { decodeAvailable(atEOF: true) }
        connection.close()
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) {
        let message = "unable to read response from \(upstream): connection closed" + (error.map { " (\($0))" } ?? "")
        finish(.failure(HTTPClientError(.connectionClosed, message, underlying: error)), reusable: false)
        pool?.remove(self)
    }

    private func decodeAvailable(atEOF: Bool) {
        while completion != nil {
            let part: HTTPResponsePart?
            do {
                part = atEOF ? try decoder.decodeAtEOF(&connection.inbound) : try decoder.decode(&connection.inbound)
            } catch {
                finish(
                    .failure(HTTPClientError(.invalidResponse, "unable to parse response from \(upstream): \(error)")),
                    reusable: false)
                return
            }
            guard let part else { return }
            switch part {
            case .head(let responseHead):
                head = responseHead
            case .body(let chunk):
                if let onBody, let head { onBody(head, chunk) } else { body.writeBuffer(chunk) }
            case .end:
                guard let head else { return }
                let response = HTTPClientResponse(head: head, body: body)
                body = ByteBuffer()
                finish(.success(response), reusable: requestKeepAlive && head.isKeepAlive && !atEOF)
            }
        }
    }

    private func finish(_ result: Result<HTTPClientResponse, HTTPClientError>, reusable: Bool) {
        guard let completion else { return }
        self.completion = nil
        timer?.cancel()
        timer = nil
        if reusable && connection.inbound.isEmpty {
            pool?.release(self)
        } else {
            connection.close()
        }
        completion(result)
    }
}
