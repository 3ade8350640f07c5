import Core
import Metrics
import RESP
import Reactor

/// One event loop's way to the store: a pipelined `RESPConnection` to the master (opened on the first
/// call, reopened on the next call after it fails), one to each replica for pure reads, every call bounded
/// by the configured timeout, and a circuit breaker that fails calls at once while the store is down.
///
/// It follows the master like a Redis client: on the first call, every `topologyCheckInterval`, and when a
/// call meets `-READONLY` or a dropped connection, it asks `MasterLocator` where the master is; the call is
/// then retried once on the master found (see `attempt` for which calls may be).
///
/// Confined to its loop's thread: HTTP handlers on that loop call it and get their reply in a callback
/// on the same thread, with no task hop on the request path. A failed call (no connection, timeout, a
/// dropped connection, an error reply, an open circuit) completes with a `ShopError` (503
/// `store_unavailable`, or 500 for an error reply the API cannot explain) and counts in
/// `shop_store_errors_total`.
final class StoreGateway {
    /// The reply of one call.
    typealias Completion = (Result<RESPValue, ShopError>) -> Void

    /// A replica's read connection, kept across calls.
    private final class ReplicaLink {
        let address: SocketAddress
        var connection: RESPConnection?
        var isConnecting = false
        /// No new connection attempt before this (a replica that refused us is skipped for a while).
        var retryAt = Instant.distantPast

        init(address: SocketAddress) { self.address = address }
    }

    let loop: EventLoop
    /// Told the master's new address when it changes (the loop's transaction pool follows it). Loop thread.
    var onMasterChange: ((SocketAddress) -> Void)?
    private let settings: MasterLocator.Settings
    /// The configured instances: STORE_MASTER (or the first of STORE_ADDRESSES), then the others.
    private let seeds: [SocketAddress]
    private let readsFromReplicas: Bool
    private let checkInterval: TimeAmount
    private let errors: Counter
    private let circuitState: Gauge
    private let logger: Logger
    // Confined to the loop thread: the master as last located.
    private(set) var master: SocketAddress
    // Confined to the loop thread: the master's replicas as last located, and their read connections.
    private var replicaLinks: [ReplicaLink] = []
    private var nextReplica = 0
    // Confined to the loop thread: fails calls at once while the store keeps failing.
    private var breaker = CircuitBreaker()
    // Confined to the loop thread: whether the last connection attempt failed (logged once per outage).
    private var isFailing = false
    // Confined to the loop thread.
    private var connection: RESPConnection?
    // Confined to the loop thread: calls waiting for the connection being opened.
    private var waiting: [(Result<RESPConnection, RESPClientError>) -> Void] = []
    // Confined to the loop thread: whether the master was ever located, and those waiting for the search
    // under way (empty when none is).
    private var hasLocated = false
    private var locating: [() -> Void] = []
    // Confined to the loop thread.
    private var checkTimer: RepeatingTimer?
    // Confined to the loop thread: the search for the master that runs while the circuit is open.
    private var outageSearch: RepeatingTimer?

    /// A gateway for `loop`; nothing connects before the first call.
    init(
        loop: EventLoop, configuration: APIConfiguration, errors: Counter, circuitState: Gauge, logger: Logger
    ) {
        self.loop = loop
        settings = MasterLocator.Settings(
            sentinels: configuration.sentinels, masterName: configuration.masterName,
            password: configuration.storePassword, timeout: configuration.storeTimeout)
        var seeds = [configuration.storeAddress]
        for address in configuration.storeAddresses where !seeds.contains(address) { seeds.append(address) }
        self.seeds = seeds
        master = configuration.storeAddress
        readsFromReplicas = configuration.readFrom == .replicas
        checkInterval = configuration.topologyCheckInterval
        self.errors = errors
        self.circuitState = circuitState
        self.logger = logger
    }

    /// The replicas pure reads go to, as last located. Loop thread only.
    var replicas: [SocketAddress] { replicaLinks.map(\.address) }

    // MARK: - Calls

    /// Sends one command to the master; `completion` runs on the loop thread with the reply or the reason it
    /// failed, within about the timeout (plus the connection sweep's 100 ms granularity; twice that and a
    /// search for the master when the call is retried). Loop thread only.
    func call(_ arguments: [String], _ completion: @escaping Completion) {
        call(bytes: StoreGateway.bytes(arguments), completion)
    }

    /// `call` with the arguments already in bytes, as the connection sends them.
    func call(bytes arguments: [[UInt8]], _ completion: @escaping Completion) {
        switch breaker.admit(now: loop.now) {
        case .proceed:
            break
        case .probe:
            circuitChanged()
        case .refuse(let seconds):
            errors.increment()
            return completion(.failure(.storeCircuitOpen(retryAfter: seconds)))
        }
        attempt(arguments, isRetry: false, completion)
    }

    /// Sends one pure read to a replica (round-robin), or to the master when reads go there, no replica is
    /// known or connected, or the replica fails or answers an error (a replica still loading, or cut off
    /// from its master, says so; the master's answer is the one that counts). A replica may lag the master
    /// by a few milliseconds: a read that must see the caller's own write uses `call`. Loop thread only.
    func read(_ arguments: [String], _ completion: @escaping Completion) {
        read(bytes: StoreGateway.bytes(arguments), completion)
    }

    /// `read` with the arguments already in bytes (a hot route builds its keys as bytes: no Strings to make and
    /// convert per request).
    func read(bytes arguments: [[UInt8]], _ completion: @escaping Completion) {
        guard readsFromReplicas, !replicaLinks.isEmpty else { return call(bytes: arguments, completion) }
        if nextReplica >= replicaLinks.count { nextReplica = 0 }
        let link = replicaLinks[nextReplica]
        nextReplica += 1
        guard let connection = link.connection, connection.isOpen else {
            connectReplica(link)
            return call(bytes: arguments, completion)
        }
        connection.send(arguments) { reply in
            switch reply {
            case .success(.error), .failure: self.call(bytes: arguments, completion)
            case .success(let value): completion(.success(value))
            }
        }
    }

    /// One try of a call, and at most one more after locating the master again. What may be tried again:
    /// - any command when the connection could not be opened: nothing was written;
    /// - any command answered `-READONLY`: a replica refuses a write before running it;
    /// - after a dropped connection, only a command whose effect and reply are the same when repeated
    ///   (`isSafeToRepeat`): it may have run before the connection dropped. `MSETNX`, `SET NX`, `DEL`,
    ///   `INCR`, ... are answered 503 instead: running them twice would answer wrongly (a conflict for our
    ///   own create, a 404 for our own delete) or count twice.
    /// A timeout is not retried: the store is there but slow, and trying again would double the wait; the
    /// master is looked for in the background, though.
    private func attempt(_ arguments: [[UInt8]], isRetry: Bool, _ completion: @escaping Completion) {
        // The usual case, an open connection, without the allocation of `withConnection`'s closure.
        if let connection, connection.isOpen {
            return send(arguments, on: connection, isRetry: isRetry, completion)
        }
        withConnection { result in
            switch result {
            case .failure:
                guard isRetry else { return self.locate { self.attempt(arguments, isRetry: true, completion) } }
                self.recordFailure()
                return completion(.failure(.storeUnavailable))
            case .success(let open):
                self.send(arguments, on: open, isRetry: isRetry, completion)
            }
        }
    }

    /// `attempt` once it has an open connection.
    private func send(
        _ arguments: [[UInt8]], on connection: RESPConnection, isRetry: Bool, _ completion: @escaping Completion
    ) {
        connection.send(arguments) { reply in
            switch reply {
            case .success(.error(let message)):
                self.recordSuccess()
                if !isRetry, message.hasPrefix("READONLY") {
                    self.logger.info("the store master is read-only: locating the master", ["store": self.master])
                    return self.locate { self.attempt(arguments, isRetry: true, completion) }
                }
                self.errors.increment()
                self.logger.warning("store error reply", ["store": self.master, "error": message])
                completion(.failure(StoreGateway.classify(errorReply: message)))
            case .success(let value):
                self.recordSuccess()
                completion(.success(value))
            case .failure(let error):
                if !isRetry, error.code == .connectionClosed,
                    StoreGateway.isSafeToRepeat(arguments.map { String(decoding: $0, as: UTF8.self) })
                {
                    return self.locate { self.attempt(arguments, isRetry: true, completion) }
                }
                self.recordFailure()
                self.logger.warning("store call failed", ["store": self.master, "error": error.message])
                // Not tried again, but the master is looked for in the background: a paused master keeps
                // accepting connections and times out, and only the sentinels know it was replaced (else
                // the loop would wait for the next periodic check).
                self.relocate()
                completion(.failure(.storeUnavailable))
            }
        }
    }

    /// A command's arguments as the connection sends them.
    static func bytes(_ arguments: [String]) -> [[UInt8]] {
        arguments.map { Array($0.utf8) }
    }

    /// `MGET` as bytes.
    static let mget: [UInt8] = Array("MGET".utf8)

    /// `prefix` followed by `id` in decimal, in one allocation of the exact size: a store key such as
    /// `product:42` for the byte-level calls.
    static func key(_ prefix: StaticString, _ id: Int) -> [UInt8] {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits and a sign
        return withUnsafeMutableBytes(of: &digits) { scratch in
            var value = id.magnitude
            var start = scratch.count
            repeat {
                start -= 1
                scratch[start] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            } while value > 0
            if id < 0 {
                start -= 1
                scratch[start] = UInt8(ascii: "-")
            }
            var key: [UInt8] = []
            key.reserveCapacity(prefix.utf8CodeUnitCount + scratch.count - start)
            key.append(contentsOf: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
            key.append(contentsOf: scratch[start...])
            return key
        }
    }

    /// Whether running `arguments` twice has the effect and the reply of running it once: reads, and
    /// writes that set a value outright.
    static func isSafeToRepeat(_ arguments: [String]) -> Bool {
        guard let name = arguments.first?.uppercased() else { return false }
        switch name {
        case "GET", "MGET", "EXISTS", "TTL", "PTTL", "STRLEN", "SMEMBERS", "SISMEMBER", "SCARD", "LRANGE", "LLEN",
            "LINDEX", "HGET", "HGETALL", "HMGET", "ZRANGE", "ZSCORE", "ZCARD", "PING", "ROLE", "INFO", "EXPIRE",
            "PEXPIRE":
            return true
        case "SET":
            // `SET k v NX` answers nil the second time, `SET ... GET` the value the first one wrote.
            return !arguments.dropFirst(3).contains { ["NX", "GET"].contains($0.uppercased()) }
        default:
            return false
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

    // MARK: - Circuit breaker

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
        case .open:
            logger.warning("store circuit open: failing store calls at once", ["store": master])
            // While the master does not answer, ask where it is every 200 ms: after a failover the new one is
            // adopted (and the circuit closed) as soon as the sentinels name it, not at the next probe.
            if outageSearch == nil {
                outageSearch = loop.scheduleRepeating(every: .milliseconds(200)) { [weak self] in self?.locate {} }
            }
        case .halfOpen: logger.info("store circuit half-open: probing the store", ["store": master])
        case .closed:
            logger.info("store circuit closed", ["store": master])
            outageSearch?.cancel()
            outageSearch = nil
        }
    }

    // MARK: - Connections and the master

    /// Calls `body` with an open connection to the master, connecting first when there is none (callers
    /// arriving meanwhile wait for the same attempt). The first connection waits for the master's location.
    private func withConnection(_ body: @escaping (Result<RESPConnection, RESPClientError>) -> Void) {
        if let connection, connection.isOpen { return body(.success(connection)) }
        connection = nil
        waiting.append(body)
        guard waiting.count == 1 else { return }
        guard hasLocated else {
            hasLocated = true
            // A demoted master we stay connected to keeps answering reads: only asking again notices it.
            checkTimer = loop.scheduleRepeating(every: checkInterval) { [weak self] in self?.locate {} }
            return locate { self.connect() }
        }
        connect()
    }

    private func connect() {
        let address = master
        RESPConnection.connect(
            to: address, on: loop, password: settings.password, connectTimeout: settings.timeout,
            commandTimeout: settings.timeout
        ) { result in
            switch result {
            case .success(let connection):
                // Many handlers call per loop turn: their commands share one write (one wake-up of the store).
                connection.coalescesWrites = true
                if address == self.master {
                    self.connection = connection
                } else {
                    // The master moved while connecting: this connection leads nowhere useful.
                    connection.close()
                }
                if self.isFailing { self.logger.info("store connection restored", ["store": address]) }
                self.isFailing = false
            case .failure(let error):
                if !self.isFailing {
                    self.logger.warning(
                        "unable to connect to the store", ["store": address, "error": error.message])
                }
                self.isFailing = true
            }
            let outcome: Result<RESPConnection, RESPClientError>
            if let connection = self.connection, connection.isOpen {
                outcome = .success(connection)
            } else if case .failure(let error) = result {
                outcome = .failure(error)
            } else {
                outcome = .failure(RESPClientError(.connectFailed, "unable to use \(address): the master moved"))
            }
            let waiting = self.waiting
            self.waiting.removeAll()
            for waiter in waiting { waiter(outcome) }
        }
    }

    /// Looks for the master in the background (a transaction connection could not reach it). Loop thread.
    func relocate() { locate {} }

    /// Asks where the master is (one search at a time: callers arriving meanwhile wait for it) and adopts
    /// the answer; `then` runs afterwards, whatever was found.
    private func locate(_ then: @escaping () -> Void) {
        locating.append(then)
        guard locating.count == 1 else { return }
        var candidates = [master]
        for address in seeds + replicas where !candidates.contains(address) { candidates.append(address) }
        MasterLocator.locate(candidates: candidates, settings: settings, on: loop) { topology in
            if let topology {
                self.adopt(topology)
            } else {
                self.logger.debug("no store instance says it is the master", ["store": self.master])
            }
            let waiting = self.locating
            self.locating.removeAll()
            for waiter in waiting { waiter() }
        }
    }

    /// Uses `topology`: a new master gets a new connection (the old one is closed once the replies it still
    /// owes have arrived or timed out), new replicas new read connections.
    private func adopt(_ topology: StoreTopology) {
        if topology.master != master {
            logger.warning("store master changed", ["from": master, "to": topology.master])
            master = topology.master
            if let old = connection {
                connection = nil
                _ = loop.schedule(after: settings.timeout + .milliseconds(200)) { old.close() }
            }
            onMasterChange?(master)
            // A new master is a fresh start: the failures that opened the circuit were the old one's.
            if breaker.recordSuccess() { circuitChanged() }
        }
        let replicas = topology.replicas.filter { $0 != topology.master }
        guard replicas != self.replicas else { return }
        logger.info("store replicas", ["replicas": replicas.map { "\($0)" }.joined(separator: ",")])
        for link in replicaLinks { link.connection?.close() }
        replicaLinks = replicas.map(ReplicaLink.init)
        nextReplica = 0
    }

    /// Opens `link`'s connection in the background, unless it is being opened or failed a moment ago.
    private func connectReplica(_ link: ReplicaLink) {
        guard !link.isConnecting, loop.now >= link.retryAt else { return }
        link.isConnecting = true
        RESPConnection.connect(
            to: link.address, on: loop, password: settings.password, connectTimeout: settings.timeout,
            commandTimeout: settings.timeout
        ) { result in
            link.isConnecting = false
            switch result {
            case .success(let connection):
                connection.coalescesWrites = true
                // A link dropped by a newer topology keeps no connection.
                guard self.replicaLinks.contains(where: { $0 === link }) else { return connection.close() }
                link.connection = connection
            case .failure(let error):
                link.retryAt = self.loop.now + .seconds(1 as Int64)
                self.logger.debug(
                    "unable to connect to a store replica", ["store": link.address, "error": error.message])
            }
        }
    }
}
