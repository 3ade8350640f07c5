import Core
import HTTP
import Manifest
import Reactor
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The supervisor daemon (`stack supervise`): loads the manifest, runs every instance, serves the
/// control API on `configuration.socketPath` until `POST /v1/down` (or SIGTERM/SIGINT).
public enum StackSupervisor {
    /// The signals the supervisor handles on its loop; `main` must block them before starting threads.
    public static let handledSignals: [Int32] = [SIGCHLD, SIGTERM, SIGINT, SIGHUP]

    /// Runs the stack until it is brought down; returns the process exit code (0 after a clean down).
    /// Throws when the supervisor cannot start (manifest invalid, another supervisor running).
    public static func run(_ configuration: SupervisorConfiguration, logger: Logger) async throws -> Int32 {
        SignalWatcher.block(handledSignals)
        for directory in ["run", "logs", "data"] {
            try FileSystem.createDirectory(configuration.stateDirectory + "/" + directory)
        }
        if await isRunning(socketPath: configuration.socketPath) {
            throw SupervisorError(
                .startFailed, "unable to start the supervisor: another one is running (\(configuration.socketPath))")
        }
        let (spec, _) = try StackLoader.load(configuration, generateSecrets: true)
        let loop = try EventLoop.start(name: "supervisor")
        let box = try await loop.submit { () throws -> RuntimeBox in
            RuntimeBox(try SupervisorRuntime(loop: loop, configuration: configuration, spec: spec, logger: logger))
        }
        let api = ControlAPI(runtime: box.runtime)
        let control = try HTTPServer(
            configuration: HTTPServerConfiguration(
                address: .unix(path: configuration.socketPath), loopCount: 1, idleTimeout: .seconds(3600 as Int64),
                serverName: "stack"),
            router: api.routes())
        try await control.start()
        var metricsRouter = Router()
        metricsRouter.get("/metrics") { _, responder in
            loop.execute { responder.respond(ControlAPI.metrics(box.runtime)) }
        }
        let metricsAddress = SocketAddress.ipv4(
            address: spec.subnet.supervisorAddress.value, port: UInt16(configuration.metricsPort))
        let metricsServer = try HTTPServer(
            configuration: HTTPServerConfiguration(address: metricsAddress, loopCount: 1, serverName: "stack"),
            router: metricsRouter)
        do {
            try await metricsServer.start()
        } catch {
            logger.warning("supervisor metrics not served", ["address": metricsAddress, "error": error])
        }
        logger.info(
            "supervisor running",
            ["project": spec.name, "socket": configuration.socketPath, "metrics": metricsAddress, "pid": getpid()])

        let downFinished = Atomic<Bool>(false)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.execute {
                let runtime = box.runtime
                runtime.onDown = {
                    if !downFinished.exchange(true, ordering: .acquiringAndReleasing) { continuation.resume() }
                }
                let signals = try? SignalWatcher(loop: loop, signals: [SIGTERM, SIGINT, SIGHUP]) { signal in
                    logger.info("signal received, bringing the stack down", ["signal": Signal.name(signal)])
                    runtime.down { runtime.onDown?() }
                }
                box.keep(signals)
                do {
                    try runtime.apply(spec)
                } catch {
                    logger.error("unable to start the stack", ["error": error])
                    runtime.down { runtime.onDown?() }
                }
            }
        }
        // Let the `down` answer reach the CLI, then close everything.
        await control.shutdown(gracePeriod: .seconds(1 as Int64))
        await metricsServer.shutdown(gracePeriod: .milliseconds(100))
        // On the loop, after any write it still had queued: a write after the unlink would recreate
        // the file (listing instances that no longer run) or leave its temporary file behind.
        _ = try? await loop.submit { box.runtime.removeDiscovery() }
        loop.stop()
        logger.info("supervisor stopped")
        return 0
    }

    /// Whether a supervisor answers on `socketPath`.
    static func isRunning(socketPath: String) async -> Bool {
        guard FileSystem.exists(socketPath), let client = try? HTTPClient() else { return false }
        defer { client.shutdown() }
        let response = try? await client.get("/v1/health", from: .unix(path: socketPath))
        return response?.status == .ok
    }
}

/// Carries the loop-confined runtime across the Sendable boundary; only its loop touches it.
final class RuntimeBox: @unchecked Sendable {
    let runtime: SupervisorRuntime
    private var kept: [AnyObject] = []
    init(_ runtime: SupervisorRuntime) { self.runtime = runtime }
    /// Keeps an object alive as long as the supervisor (loop thread only).
    func keep(_ object: AnyObject?) {
        if let object { kept.append(object) }
    }
}
