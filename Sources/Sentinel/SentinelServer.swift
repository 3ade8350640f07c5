import Core
import Reactor
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `store --sentinel`: watches masters, agrees with its peers that one is down, elects a leader and
/// promotes a replica, as Redis Sentinel does; answers Sentinel's commands on its port (26379 by default).
/// One event loop does everything.
public final class SentinelServer: Sendable {
    private let loop: EventLoop
    private let box: Mutex<RuntimeBox?> = Mutex(nil)
    private let configuration: SentinelConfiguration
    private let statePath: String?
    private let logger: Logger

    private struct RuntimeBox: @unchecked Sendable {
        let runtime: SentinelRuntime
    }

    /// A sentinel with `configuration`; its state (epochs, master, peers) is written to `statePath` after
    /// every change, when given.
    public init(configuration: SentinelConfiguration, statePath: String?, logger: Logger) throws(IOError) {
        self.configuration = configuration
        self.statePath = statePath
        self.logger = logger
        loop = try EventLoop.start(name: "sentinel")
    }

    /// Listens and starts watching; returns the bound address.
    @discardableResult
    public func start() async throws -> SocketAddress {
        let loop = self.loop
        let configuration = self.configuration
        let statePath = self.statePath
        let logger = self.logger
        let (box, address) = try await loop.submit { () throws -> (RuntimeBox, SocketAddress) in
            let runtime = SentinelRuntime(
                configuration: configuration, statePath: statePath, loop: loop, logger: logger)
            runtime.onShutdown = { exit(0) }
            let address = try runtime.start()
            return (RuntimeBox(runtime: runtime), address)
        }
        self.box.withLock { $0 = box }
        return address
    }

    /// This sentinel's run id.
    public var myID: String? { box.withLock { $0?.runtime.myID } }

    /// Waits for one of `signals` (blocked beforehand) and returns it.
    public func waitForSignal(_ signals: [Int32]) async -> Int32 {
        await SignalWatcher.wait(for: signals, on: loop)
    }

    /// Persists the state and closes everything.
    public func shutdown() async {
        let box = self.box.withLock { $0 }
        _ = try? await loop.submit {
            box?.runtime.persist()
            box?.runtime.stop()
        }
        loop.stop()
    }
}
