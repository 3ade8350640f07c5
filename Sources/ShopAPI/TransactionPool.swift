import Core
import Metrics
import RESP
import Reactor

/// One event loop's dedicated store connections for optimistic transactions (WATCH .. MULTI .. EXEC).
///
/// WATCH and MULTI are state of a connection, so a transaction cannot share the loop's pipelined
/// `StoreGateway` connection with other requests: a command of another request sent between MULTI and EXEC
/// would be queued into the transaction. Each connection here runs one WATCH..EXEC sequence at a time;
/// transactions on different connections run concurrently. Connections are opened lazily, up to
/// `capacity`; a request that finds none free waits in a FIFO queue (at most `maximumWaiting`, else 503)
/// and is answered 503 when it waited longer than the timeout. A connection that failed, or whose state
/// the caller cannot vouch for, is closed and dropped on release.
///
/// Confined to its loop's thread.
final class TransactionPool {
    /// Called with a leased connection, or 503 when none could be had.
    typealias Waiter = (Result<RESPConnection, ShopError>) -> Void

    let loop: EventLoop
    /// Told when a connection could not be opened or the store said it is read-only (the gateway then looks
    /// for the master). Loop thread.
    var onMasterTrouble: (() -> Void)?
    // Confined to the loop thread: the master, as the loop's gateway last located it (`retarget`).
    private(set) var address: SocketAddress
    private let password: String?
    private let timeout: TimeAmount
    private let capacity: Int
    private let maximumWaiting: Int
    private let errors: Counter
    private let logger: Logger
    // Confined to the loop thread: open connections nobody leases.
    private var idle: [RESPConnection] = []
    // Confined to the loop thread: connections leased, idle or being opened.
    private var count = 0
    // Confined to the loop thread: requests waiting for a connection, oldest first (from `waitingStart`).
    private var waiting: [(waiter: Waiter, since: Instant)] = []
    private var waitingStart = 0
    // Confined to the loop thread: gates held, each with the transactions waiting for it, oldest first.
    private var gates: [String: [Waiter]] = [:]

    /// A pool for `loop` of at most `capacity` connections; nothing connects before the first lease.
    init(
        loop: EventLoop, address: SocketAddress, password: String?, timeout: TimeAmount, capacity: Int = 8,
        maximumWaiting: Int = 4096, errors: Counter, logger: Logger
    ) {
        precondition(capacity > 0, "a transaction pool needs at least one connection")
        self.loop = loop
        self.address = address
        self.password = password
        self.timeout = timeout
        self.capacity = capacity
        self.maximumWaiting = maximumWaiting
        self.errors = errors
        self.logger = logger
    }

    /// Sends new transactions to `master`: idle connections to the old one are closed now, leased ones when
    /// they are released. Loop thread only.
    func retarget(to master: SocketAddress) {
        guard master != address else { return }
        address = master
        count -= idle.count
        for connection in idle { connection.close() }
        idle.removeAll()
    }

    /// A transaction met `-READONLY` or `-NOREPLICAS`, or no answer: the pool's master may have been
    /// demoted or replaced. Loop thread only.
    func reportMasterTrouble() { onMasterTrouble?() }

    /// Connections open or being opened (for tests and metrics).
    var connectionCount: Int { count }

    /// Like `lease(_:)`, but first waits (FIFO) until no earlier transaction of this loop holds `gate`
    /// (`openGate`). Not needed for correctness (WATCH is): transactions on one hot key (a product on sale)
    /// would otherwise mostly make each other's EXEC fail and exhaust their retries; in line, only those of
    /// other loops and instances compete. A failed lease opens the gate itself.
    func lease(gate: String?, _ body: @escaping Waiter) {
        guard let gate else { return lease(body) }
        let guarded: Waiter = { result in
            if case .failure = result { self.openGate(gate) }
            body(result)
        }
        if gates[gate] != nil { return gates[gate]!.append(guarded) }
        gates[gate] = []
        lease(guarded)
    }

    /// Lets the next transaction waiting for `gate` go (or frees the gate). Once per `lease(gate:)`.
    func openGate(_ gate: String) {
        guard var queue = gates[gate] else { return }
        guard !queue.isEmpty else {
            gates[gate] = nil
            return
        }
        let next = queue.removeFirst()
        gates[gate] = queue
        lease(next)
    }

    /// Calls `body` with a connection of its own until it calls `release`. Loop thread only.
    func lease(_ body: @escaping Waiter) {
        while let connection = idle.popLast() {
            if connection.isOpen { return body(.success(connection)) }
            count -= 1
        }
        if count < capacity { return open(for: body) }
        guard waiting.count - waitingStart < maximumWaiting else {
            errors.increment()
            return body(.failure(.storeUnavailable))
        }
        waiting.append((body, loop.now))
    }

    /// Gives `connection` back: to the oldest waiter, or to the idle list. With `isReusable` false (a
    /// failure, or a transaction left in an unknown state) the connection is closed and a waiter gets a
    /// new one. Loop thread only.
    func release(_ connection: RESPConnection, isReusable: Bool) {
        guard isReusable, connection.isOpen, connection.address == address else {
            connection.close()
            count -= 1
            if let waiter = nextWaiter() { open(for: waiter) }
            return
        }
        if let waiter = nextWaiter() { return waiter(.success(connection)) }
        idle.append(connection)
    }

    /// The oldest waiter still within its time; those past it are answered 503 on the way.
    private func nextWaiter() -> Waiter? {
        while waitingStart < waiting.count {
            let (waiter, since) = waiting[waitingStart]
            waitingStart += 1
            if waitingStart == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                waitingStart = 0
            }
            if loop.now - since <= timeout { return waiter }
            errors.increment()
            waiter(.failure(.storeUnavailable))
        }
        return nil
    }

    private func open(for waiter: @escaping Waiter) {
        count += 1
        RESPConnection.connect(
            to: address, on: loop, password: password, connectTimeout: timeout, commandTimeout: timeout
        ) { result in
            switch result {
            case .success(let connection):
                // A transaction's first write is sent from another connection's handler: leaving at the end of
                // the turn, it no longer wakes the store (on a shared core) in the middle of the turn.
                connection.coalescesWrites = true
                waiter(.success(connection))
            case .failure(let error):
                self.count -= 1
                self.errors.increment()
                self.onMasterTrouble?()
                self.logger.warning(
                    "unable to open a transaction connection", ["store": self.address, "error": error.message])
                waiter(.failure(.storeUnavailable))
                // The next waiter tries its own connection: the outage may be over by then.
                if let next = self.nextWaiter() { self.open(for: next) }
            }
        }
    }
}
