import Core
import Metrics
import RESP
import Reactor

/// One event loop's way to the store master: a single pipelined `RESPConnection`, opened on the first
/// call, reopened on the next call after it fails, every call bounded by the configured timeout.
///
/// Confined to its loop's thread: HTTP handlers on that loop call it and get their reply in a callback
/// on the same thread, with no task hop on the request path. A failed call (no connection, timeout, a
/// dropped connection, an error reply) completes with a `ShopError` (503 `store_unavailable`, or 500 for
/// an error reply the API cannot explain) and counts in `shop_store_errors_total`.
final class StoreGateway {
    /// The reply of one call.
    typealias Completion = (Result<RESPValue, ShopError>) -> Void

    let loop: EventLoop
    private let address: SocketAddress
    private let password: String?
    private let timeout: TimeAmount
    private let errors: Counter
    private let circuitState: Gauge
    private let logger: Logger
    // Confined to the loop thread: fails calls at once while the store keeps failing.
    private var breaker = CircuitBreaker()
    // Confined to the loop thread: whether the last connection attempt failed (logged once per outage).
    private var isFailing = false
    // Confined to the loop thread.
    private var connection: RESPConnection?
    // Confined to the loop thread: calls waiting for the connection being opened.
    private var waiting: [(Result<RESPConnection, RESPClientError>) -> Void] = []

    /// A gateway for `loop`; nothing connects before the first call.
    init(
        loop: EventLoop, address: SocketAddress, password: String?, timeout: TimeAmount, errors: Counter,
        circuitState: Gauge, logger: Logger
    ) {
        self.logger = logger
        self.loop = loop
        self.address = address
        self.password = password
        self.timeout = timeout
        self.errors = errors
        self.circuitState = circuitState
    }

    /// Sends one command; `completion` runs on the loop thread with the reply or the reason it failed,
    /// within about the timeout (plus the connection sweep's 100 ms granularity). Loop thread only.
    func call(_ arguments: [String], _ completion: @escaping Completion) {
        if case .refuse(let seconds) = breaker.admit(now: loop.now) {
            errors.increment()
            return completion(.failure(.storeCircuitOpen(retryAfter: seconds)))
        }
        withConnection { result in
            switch result {
            case .failure:
                self.recordFailure()
                completion(.failure(.storeUnavailable))
            case .success(let connection):
                connection.send(arguments) { reply in
                    switch reply {
                    case .success(.error(let message)):
                        self.recordSuccess()
                        self.errors.increment()
                        self.logger.warning("store error reply", ["store": self.address, "error": message])
                        completion(.failure(StoreGateway.classify(errorReply: message)))
                    case .success(let value):
                        self.recordSuccess()
                        completion(.success(value))
                    case .failure(let error):
                        self.recordFailure()
                        self.logger.warning("store call failed", ["store": self.address, "error": error.message])
                        completion(.failure(.storeUnavailable))
                    }
                }
            }
        }
    }

    /// The store answered: a closed circuit stays closed (one branch), any other closes.
    private func recordSuccess() {
        if breaker.recordSuccess() { circuitChanged() }
    }

    /// The store did not answer: counted, and the circuit may open.
    private func recordFailure() {
        errors.increment()
        if breaker.recordFailure(now: loop.now) { circuitChanged() }
    }

    private func circuitChanged() {
        circuitState.set(breaker.gaugeValue)
        switch breaker.state {
        case .open: logger.warning("store circuit open: failing store calls at once", ["store": address])
        case .halfOpen: logger.info("store circuit half-open: probing the store", ["store": address])
        case .closed: logger.info("store circuit closed", ["store": address])
        }
    }

    /// An error reply as the API answers it: the store is unavailable while it loads, is a replica, or
    /// refuses our password; anything else is a bug of ours (500).
    static func classify(errorReply message: String) -> ShopError {
        let code = message.prefix(while: { $0 != " " })
        switch code {
        case "LOADING", "READONLY", "MASTERDOWN", "NOAUTH", "WRONGPASS", "BUSY", "NOREPLICAS", "TRYAGAIN", "OOM":
            return .storeUnavailable
        default:
            return .internalError
        }
    }

    /// Calls `body` with an open connection, connecting first when there is none (callers arriving meanwhile
    /// wait for the same attempt).
    private func withConnection(_ body: @escaping (Result<RESPConnection, RESPClientError>) -> Void) {
        if let connection, connection.isOpen { return body(.success(connection)) }
        connection = nil
        waiting.append(body)
        guard waiting.count == 1 else { return }
        RESPConnection.connect(
            to: address, on: loop, password: password, connectTimeout: timeout, commandTimeout: timeout
        ) { result in
            switch result {
            case .success(let connection):
                // Many handlers call per loop turn: their commands share one write (one wake-up of the store).
                connection.coalescesWrites = true
                self.connection = connection
                if self.isFailing { self.logger.info("store connection restored", ["store": self.address]) }
                self.isFailing = false
            case .failure(let error):
                if !self.isFailing {
                    self.logger.warning(
                        "unable to connect to the store", ["store": self.address, "error": error.message])
                }
                self.isFailing = true
            }
            let waiting = self.waiting
            self.waiting.removeAll()
            for waiter in waiting { waiter(result) }
        }
    }
}
