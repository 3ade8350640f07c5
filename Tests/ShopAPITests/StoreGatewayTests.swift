import Core
import Metrics
import RESP
import Reactor
import Testing

@testable import ShopAPI

/// A gateway on a loop of its own, driven from async tests.
final class GatewayHarness: @unchecked Sendable {
    // @unchecked Sendable: `gateway` is touched only on `loop` (every use goes through `loop.execute`).
    let loop: EventLoop
    let gateway: StoreGateway

    init(_ configuration: APIConfiguration) throws {
        loop = try EventLoop.start(name: "gateway-test")
        let registry = MetricsRegistry()
        gateway = StoreGateway(
            loop: loop, configuration: configuration, errors: registry.counter(name: "store_errors_total", help: "e"),
            circuitState: registry.gauge(name: "circuit_state", help: "c"),
            logger: Logger(program: "test", minimumLevel: .error))
    }

    func call(_ arguments: [String]) async -> Result<RESPValue, ShopError> {
        await withCheckedContinuation { continuation in
            loop.execute { self.gateway.call(arguments) { continuation.resume(returning: $0) } }
        }
    }

    func read(_ arguments: [String]) async -> Result<RESPValue, ShopError> {
        await withCheckedContinuation { continuation in
            loop.execute { self.gateway.read(arguments) { continuation.resume(returning: $0) } }
        }
    }

    var master: SocketAddress {
        get async throws { try await loop.submit { self.gateway.master } }
    }

    func stop() { loop.stop() }
}

/// The gateway against scripted fake stores and sentinels on 127.0.0.1: how it finds and follows the master.
@Suite struct StoreGatewayTests {
    private func configuration(master: SocketAddress, others: [SocketAddress] = []) -> APIConfiguration {
        var configuration = APIConfiguration(storeAddress: master, loopCount: 1)
        configuration.storeAddresses = [master] + others
        configuration.storeTimeout = .milliseconds(500)
        return configuration
    }

    @Test("on -READONLY the gateway finds the new master with ROLE and retries the write there once")
    func followsReadOnly() async throws {
        let first = try await ScriptedStore()
        let second = try await ScriptedStore()
        defer {
            first.stop()
            second.stop()
        }
        first.answer(["ROLE": ScriptedStore.master()])
        second.answer(["ROLE": ScriptedStore.replica(of: first.address)])
        let harness = try GatewayHarness(configuration(master: first.address, others: [second.address]))
        defer { harness.stop() }
        #expect(try await harness.call(["SET", "k", "1"]).get() == .simpleString("OK"))
        #expect(first.count("SET") == 1)

        // A failover: the second is promoted, the first now refuses writes.
        second.answer(["ROLE": ScriptedStore.master()])
        first.answer(["ROLE": ScriptedStore.replica(of: second.address), "SET": .error("READONLY You can't write")])
        #expect(try await harness.call(["SET", "k", "2"]).get() == .simpleString("OK"))
        #expect(first.count("SET") == 2 && second.count("SET") == 1)
        #expect(try await harness.master == second.address)
    }

    @Test("a write refused -READONLY again after the one retry is answered 503, not retried forever")
    func retriesOnce() async throws {
        let store = try await ScriptedStore(["ROLE": ScriptedStore.master(), "SET": .error("READONLY no")])
        defer { store.stop() }
        let harness = try GatewayHarness(configuration(master: store.address))
        defer { harness.stop() }
        #expect(await harness.call(["SET", "k", "1"]).error == .storeUnavailable)
        #expect(store.count("SET") == 2)
    }

    @Test("with sentinels it asks them in order and uses the first that names the master")
    func sentinels() async throws {
        let listed = try await ScriptedStore(["ROLE": ScriptedStore.master(), "GET": .bulkString("listed")])
        let named = try await ScriptedStore(["ROLE": ScriptedStore.master(), "GET": .bulkString("named")])
        let unaware = try await ScriptedStore(["SENTINEL": .nullArray])
        let sentinel = try await ScriptedStore([
            "SENTINEL": .array([.bulkString(named.address.host), .bulkString(String(named.address.port ?? 0))])
        ])
        defer {
            for server in [listed, named, unaware, sentinel] { server.stop() }
        }
        var settings = configuration(master: listed.address)
        // Port 1 on loopback: nothing listens, the connection is refused, the next sentinel is asked.
        settings.sentinels = [SocketAddress("127.0.0.1:1")!, unaware.address, sentinel.address]
        settings.masterName = "shop"
        let harness = try GatewayHarness(settings)
        defer { harness.stop() }
        #expect(try await harness.call(["GET", "k"]).get() == .bulkString("named"))
        #expect(sentinel.commands.first == ["SENTINEL", "get-master-addr-by-name", "shop"])
        #expect(unaware.count("SENTINEL") == 1 && listed.count("GET") == 0)
    }

    @Test("reads go to the master's replicas once connected, and to the master until then")
    func readsFromReplicas() async throws {
        let replica = try await ScriptedStore(["GET": .bulkString("replica")])
        let master = try await ScriptedStore([
            "ROLE": ScriptedStore.master(replicas: [replica.address]), "GET": .bulkString("master"),
        ])
        defer {
            master.stop()
            replica.stop()
        }
        let harness = try GatewayHarness(configuration(master: master.address))
        defer { harness.stop() }
        #expect(try await harness.read(["GET", "k"]).get() == .bulkString("master"))
        let deadline = Instant.now + .seconds(5 as Int64)
        var answer = RESPValue.null
        while Instant.now < deadline, answer != .bulkString("replica") {
            answer = try await harness.read(["GET", "k"]).get()
        }
        #expect(answer == .bulkString("replica"))
        // Writes still go to the master; so does a read once the replica answers an error.
        #expect(try await harness.call(["GET", "k"]).get() == .bulkString("master"))
        replica.answer(["GET": .error("MASTERDOWN Link with MASTER is down")])
        #expect(try await harness.read(["GET", "k"]).get() == .bulkString("master"))
    }

    @Test("with the store down, calls fail and then fail at once with a Retry-After while the circuit is open")
    func circuitOpens() async throws {
        let harness = try GatewayHarness(configuration(master: SocketAddress("127.0.0.1:1")!))
        defer { harness.stop() }
        for _ in 0..<3 { #expect(await harness.call(["GET", "k"]).error == .storeUnavailable) }
        // Open now: a call fails at once with a Retry-After. On a loaded machine the cool-down may pass before
        // the next call (which is then the half-open probe and fails like the first three), so look for the
        // refusal within a deadline rather than on exactly the fourth call.
        let deadline = Instant.now + .seconds(5 as Int64)
        var refused = await harness.call(["GET", "k"]).error
        while Instant.now < deadline, (refused?.retryAfterSeconds ?? 0) < 1 {
            refused = await harness.call(["GET", "k"]).error
        }
        #expect(refused?.status == 503 && (refused?.retryAfterSeconds ?? 0) >= 1)
    }

    @Test("the transaction pool follows the master the gateway finds: new leases connect to it")
    func transactionsFollow() async throws {
        let first = try await ScriptedStore(["ROLE": ScriptedStore.master()])
        let second = try await ScriptedStore(["ROLE": ScriptedStore.replica(of: first.address)])
        defer {
            first.stop()
            second.stop()
        }
        let harness = try GatewayHarness(configuration(master: first.address, others: [second.address]))
        defer { harness.stop() }
        let registry = MetricsRegistry()
        let pool = TransactionPool(
            loop: harness.loop, address: first.address, password: nil, timeout: .milliseconds(500),
            errors: registry.counter(name: "pool_errors_total", help: "e"), logger: Logger(program: "test"))
        let box = PoolBox(pool)
        try await harness.loop.submit { harness.gateway.onMasterChange = { box.pool.retarget(to: $0) } }
        #expect(try await box.leaseAddress() == first.address)

        second.answer(["ROLE": ScriptedStore.master()])
        first.answer(["ROLE": ScriptedStore.replica(of: second.address), "SET": .error("READONLY no")])
        #expect(try await harness.call(["SET", "k", "1"]).get() == .simpleString("OK"))
        #expect(try await box.leaseAddress() == second.address)
    }

    @Test("a dropped connection is retried only for commands whose effect and reply bear repeating")
    func safeToRepeat() {
        #expect(StoreGateway.isSafeToRepeat(["GET", "k"]) && StoreGateway.isSafeToRepeat(["MGET", "a", "b"]))
        #expect(StoreGateway.isSafeToRepeat(["SET", "k", "v", "XX"]))
        #expect(!StoreGateway.isSafeToRepeat(["SET", "k", "v", "NX"]))
        #expect(!StoreGateway.isSafeToRepeat(["DEL", "k"]) && !StoreGateway.isSafeToRepeat(["INCR", "k"]))
        #expect(!StoreGateway.isSafeToRepeat(["MSETNX", "a", "1"]) && !StoreGateway.isSafeToRepeat([]))
    }
}

extension Result where Failure == ShopError {
    /// The error, or nil for a success.
    var error: ShopError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// A pool driven from async tests.
final class PoolBox: @unchecked Sendable {
    // @unchecked Sendable: `pool` is touched only on its loop (through `loop.execute`).
    let pool: TransactionPool

    init(_ pool: TransactionPool) { self.pool = pool }

    /// Leases a connection, gives it back, and answers where it led.
    func leaseAddress() async throws -> SocketAddress {
        let result: Result<SocketAddress, ShopError> = await withCheckedContinuation { continuation in
            pool.loop.execute {
                self.pool.lease { result in
                    continuation.resume(
                        returning: result.map { connection in
                            self.pool.release(connection, isReusable: true)
                            return connection.address
                        })
                }
            }
        }
        return try result.get()
    }
}
