import Core
import HTTP
import Reactor
import Synchronization
import TestSupport

@testable import Balancer

/// A backend for the proxy tests: an HTTPServer on 127.0.0.1 that names itself in `X-Backend`, echoes
/// bodies and headers, answers a chosen status, and can be made to fail its health check.
final class Backend: Sendable {
    let name: String
    let server: HTTPServer
    let address: SocketAddress
    let requests = Atomic<Int>(0)
    let healthy = Atomic<Bool>(true)
    /// The status `/status` answers.
    let status = Atomic<Int>(200)

    init(name: String, server: HTTPServer, address: SocketAddress) {
        self.name = name
        self.server = server
        self.address = address
    }

    static func start(_ name: String, address: SocketAddress = SocketAddress("127.0.0.1:0")!) async throws -> Backend {
        let box = Mutex<Backend?>(nil)
        var router = Router()
        router.get("/") { _, responder in
            // A request (the balancer's first health check) may arrive before `start` has stored the backend.
            guard let backend = box.withLock({ $0 }) else {
                return responder.respond(.text("starting\n", status: .serviceUnavailable))
            }
            backend.requests.add(1, ordering: .relaxed)
            responder.respond(
                HTTPResponse(headers: ["X-Backend": name], body: ByteBuffer(string: "hello from \(name)\n")))
        }
        router.get("/health") { _, responder in
            // A request (the balancer's first health check) may arrive before `start` has stored the backend.
            guard let backend = box.withLock({ $0 }) else {
                return responder.respond(.text("starting\n", status: .serviceUnavailable))
            }
            responder.respond(
                .text("ok\n", status: backend.healthy.load(ordering: .relaxed) ? .ok : .serviceUnavailable))
        }
        router.get("/headers") { request, responder in
            var text = ""
            for (name, value) in request.headers { text += "\(name.lowercased()): \(value)\n" }
            responder.respond(.text(text))
        }
        router.post("/echo") { request, responder in
            responder.respond(HTTPResponse(headers: ["X-Backend": name], body: request.body))
        }
        router.post("/status") { _, responder in
            // A request (the balancer's first health check) may arrive before `start` has stored the backend.
            guard let backend = box.withLock({ $0 }) else {
                return responder.respond(.text("starting\n", status: .serviceUnavailable))
            }
            backend.requests.add(1, ordering: .relaxed)
            let code = backend.status.load(ordering: .relaxed)
            responder.respond(HTTPResponse(status: HTTPResponseStatus(code: code), headers: ["X-Backend": name]))
        }
        router.get("/status") { _, responder in
            // A request (the balancer's first health check) may arrive before `start` has stored the backend.
            guard let backend = box.withLock({ $0 }) else {
                return responder.respond(.text("starting\n", status: .serviceUnavailable))
            }
            backend.requests.add(1, ordering: .relaxed)
            let code = backend.status.load(ordering: .relaxed)
            responder.respond(HTTPResponse(status: HTTPResponseStatus(code: code), headers: ["X-Backend": name]))
        }
        router.get("/stream") { _, responder in
            responder.startStream(HTTPResponseHead(status: .ok, headers: ["X-Backend": name]))
            for index in 0..<100 { responder.writeChunk(ByteBuffer(string: "line \(index)\n")) }
            responder.finish()
        }
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(address: address, loopCount: 1), router: router)
        let bound = try await server.start()
        let backend = Backend(name: name, server: server, address: bound)
        box.withLock { $0 = backend }
        return backend
    }

    func stop() async { await server.shutdown(gracePeriod: .zero) }
}

/// Runs `body` against a balancer in front of `upstreams`, with test-sized timeouts.
func withBalancer<T>(
    upstreams: [SocketAddress], healthChecks: Bool = false,
    configure: (inout BalancerServer.Options) -> Void = { _ in },
    _ body: (BalancerServer, SocketAddress) async throws -> T
) async throws -> T {
    var settings = ProxySettings()
    settings.connectTimeout = .milliseconds(500)
    settings.upstreamReadTimeout = .seconds(2 as Int64)
    var health = HealthChecker.Settings()
    health.enabled = healthChecks
    health.interval = .milliseconds(100)
    // Generous: on a loaded 2-core machine a debug backend may take a while to answer, and a check that
    // times out counts as a failure (the checker starts no new check while one is in flight).
    health.timeout = .seconds(2 as Int64)
    var options = BalancerServer.Options(
        listen: [SocketAddress("127.0.0.1:0")!], admin: nil, loopCount: 1, settings: settings, health: health,
        rateLimit: nil, staticUpstreams: upstreams.map { ($0.description, $0, 1) }, discovery: nil)
    configure(&options)
    var logger = Logger(program: "balancer-test")
    logger.minimumLevel = .error
    let server = try BalancerServer(options: options, logger: logger)
    let bound = try await server.start()
    do {
        let result = try await body(server, bound[0])
        await server.shutdown(gracePeriod: .zero)
        return result
    } catch {
        await server.shutdown(gracePeriod: .zero)
        throw error
    }
}

/// One request on a fresh raw connection; the response (nil if none came).
func rawRequest(_ text: String, to address: SocketAddress, method: HTTPMethod = .GET) async throws -> RawResponse? {
    let client = try RawClient(address)
    try await client.send(text)
    return try await client.readResponse(to: method)
}

extension Backend {
    /// A backend whose every route holds the request without answering (for read timeouts).
    static func startSilent() async throws -> Backend {
        let held = HeldRequests()
        var router = Router()
        router.post("/x") { _, responder in held.keep(responder) }
        router.get("/x") { _, responder in held.keep(responder) }
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(address: SocketAddress("127.0.0.1:0")!, loopCount: 1), router: router
        )
        let address = try await server.start()
        return Backend(silent: server, address: address)
    }

    private convenience init(silent server: HTTPServer, address: SocketAddress) {
        self.init(name: "silent", server: server, address: address)
    }
}

/// Responders kept unanswered.
final class HeldRequests: Sendable {
    private let responders = Mutex<[HTTPResponder]>([])
    func keep(_ responder: HTTPResponder) { responders.withLock { $0.append(responder) } }
}
