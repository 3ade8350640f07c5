import Core
import Reactor
import Synchronization

/// An HTTP/1.1 server: one SO_REUSEPORT listener per event loop, a frozen router, keep-alive and
/// pipelining, 408 on header and idle timeouts, and a graceful drain on shutdown.
///
/// ```swift
/// var router = Router()
/// router.get("/health") { _, responder in responder.respond(.text("ok\n")) }
/// let server = try HTTPServer(configuration: .init(address: SocketAddress("127.0.0.1:8080")!), router: router)
/// try await server.start()
/// ```
public final class HTTPServer: Sendable {
    /// The configuration it was created with.
    public let configuration: HTTPServerConfiguration
    /// Its event loops (owned: stopped by `shutdown`).
    public let group: EventLoopGroup
    private let router: Router
    /// Per-loop state, created on start. Each element is used only on its loop's thread.
    private let loops = Mutex<[LoopBox]>([])
    private let bound = Mutex<SocketAddress?>(nil)
    /// Set by the first `shutdown`: its loops are stopped afterwards, and a task handed to a stopped loop
    /// never runs, so a second `shutdown` would wait forever.
    private let isShutDown = Atomic<Bool>(false)

    /// Holds a loop-confined object so it can sit in a Sendable container; only its loop touches it.
    private struct LoopBox: @unchecked Sendable {
        let state: HTTPServerLoop
    }

    /// Creates the server and its loops; nothing listens until `start()`.
    public init(configuration: HTTPServerConfiguration, router: Router) throws(IOError) {
        self.configuration = configuration
        self.router = router
        self.group = try EventLoopGroup(loopCount: configuration.loopCount, name: "http")
    }

    /// The address it listens on (with the real port if 0 was configured); nil before `start()`.
    public var address: SocketAddress? { bound.withLock { $0 } }

    /// Binds one listener per loop. Throws if the address cannot be bound.
    @discardableResult
    public func start() async throws -> SocketAddress {
        var address = configuration.address
        let reusePort = group.loops.count > 1
        var boxes: [LoopBox] = []
        // A Unix socket path has no SO_REUSEPORT: a second listener would unlink the first one's file.
        // One loop accepts; the others stay idle (the control API, the only Unix server, uses one).
        let accepting: [EventLoop]
        if case .unix = address { accepting = [group.loops[0]] } else { accepting = group.loops }
        for loop in accepting {
            let requested = address
            let configuration = self.configuration
            let router = self.router
            let (box, actual) = try await loop.submit { () throws -> (LoopBox, SocketAddress) in
                let state = HTTPServerLoop(loop: loop, configuration: configuration, router: router)
                let actual = try state.start(address: requested, reusePort: reusePort)
                return (LoopBox(state: state), actual)
            }
            boxes.append(box)
            // Port 0 asks the kernel for a port once; the other loops join that port.
            address = actual
        }
        loops.withLock { $0 = boxes }
        bound.withLock { $0 = address }
        return address
    }

    /// Stops accepting, lets in-flight requests finish for up to `gracePeriod`, then closes everything
    /// and stops the loops. Later calls return at once.
    public func shutdown(gracePeriod: TimeAmount = .seconds(5 as Int64)) async {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let boxes = loops.withLock { $0 }
        for box in boxes {
            _ = try? await box.state.loop.submit { box.state.beginDrain() }
        }
        let deadline = Instant.now + gracePeriod
        while Instant.now < deadline {
            var open = 0
            for box in boxes {
                open += (try? await box.state.loop.submit { box.state.connectionCount }) ?? 0
            }
            if open == 0 { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        for box in boxes {
            _ = try? await box.state.loop.submit { box.state.forceClose() }
        }
        group.shutdown()
    }
}
