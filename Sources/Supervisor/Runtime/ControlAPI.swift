import Core
import HTTP
import JSON
import Manifest
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// The control API's routes (docs/control-api.md). Handlers run on the API server's loop and hop to
/// the supervisor's loop for anything that touches the runtime.
struct ControlAPI: Sendable {
    private let handle: RuntimeHandle
    private let loop: EventLoop

    init(runtime: SupervisorRuntime) {
        self.handle = RuntimeHandle(runtime)
        self.loop = runtime.loop
    }

    /// Runs `body` with the runtime on its loop; a thrown error becomes the JSON error answer.
    private func onRuntime(
        _ responder: HTTPResponder, _ body: @escaping @Sendable (SupervisorRuntime) throws -> HTTPResponse?
    ) {
        let handle = self.handle
        loop.execute {
            let runtime = handle.runtime
            do {
                if let response = try body(runtime) { responder.respond(response) }
            } catch let error as SupervisorError {
                responder.respond(
                    .error(error.code == .badRequest ? .notFound : .internalServerError, message: error.message))
            } catch let error as ManifestError {
                responder.respond(.error(HTTPResponseStatus(code: 422), message: error.description))
            } catch {
                responder.respond(.error(.internalServerError, message: "\(error)"))
            }
        }
    }

    func routes() -> Router {
        var router = Router()
        router.get("/v1/health") { _, responder in
            onRuntime(responder) { runtime in
                json(
                    .object(
                        JSONObject([
                            ("status", .string("ok")), ("project", .string(runtime.spec.name)),
                            ("pid", .integer(Int(getpid()))),
                        ])))
            }
        }
        router.get("/v1/ps") { _, responder in
            onRuntime(responder) { runtime in json(.array(runtime.instances.map(ControlAPI.describe))) }
        }
        router.get("/v1/config") { _, responder in
            onRuntime(responder) { runtime in
                let instances = runtime.instances.map(\.spec)
                return .json(runtime.spec.renderConfiguration(instances: instances) + "\n")
            }
        }
        router.post("/v1/up") { request, responder in
            onRuntime(responder) { runtime in
                let body = try ControlAPI.body(request)
                let services = body["services"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let result = try runtime.reconfigure(
                    files: body["files"]?.arrayValue?.compactMap(\.stringValue),
                    profiles: body["profiles"]?.arrayValue.map { Set($0.compactMap(\.stringValue)) },
                    only: services.isEmpty ? nil : Set(services))
                return json(ControlAPI.describe(result))
            }
        }
        router.post("/v1/scale") { request, responder in
            onRuntime(responder) { runtime in
                let body = try ControlAPI.body(request)
                var counts: [String: Int] = [:]
                for (service, value) in body["replicas"]?.objectValue?.members ?? [] {
                    guard let count = value.intValue else {
                        throw SupervisorError(.badRequest, "unable to scale \(service): expected a number of replicas")
                    }
                    counts[service] = count
                }
                return json(ControlAPI.describe(try runtime.scale(counts)))
            }
        }
        for verb in ["start", "stop", "restart", "kill"] {
            router.post("/v1/\(verb)") { request, responder in
                onRuntime(responder) { runtime in
                    let body = try ControlAPI.body(request)
                    let names = body["names"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    guard !names.isEmpty else {
                        throw SupervisorError(.badRequest, "unable to \(verb): no names given")
                    }
                    let targets = try runtime.resolve(names)
                    switch verb {
                    case "start": runtime.start(targets)
                    case "stop": runtime.stop(targets, timeout: body["timeout"]?.intValue.map { .seconds(Int64($0)) })
                    case "restart": runtime.restart(targets)
                    default:
                        let name = body["signal"]?.stringValue ?? "SIGKILL"
                        guard let signal = Signal.number(name) else {
                            throw SupervisorError(.badRequest, "unable to kill: unknown signal \(name)")
                        }
                        runtime.kill(targets, signal: signal)
                    }
                    return json(.object(JSONObject([("names", .array(targets.map { .string($0.name) }))])))
                }
            }
        }
        router.post("/v1/down") { request, responder in
            onRuntime(responder) { runtime in
                let body = (try? ControlAPI.body(request)) ?? JSONObject()
                let removeVolumes = body["volumes"] == .bool(true)
                let names = runtime.instances.map(\.name)
                runtime.down(timeout: body["timeout"]?.intValue.map { .seconds(Int64($0)) }) {
                    if removeVolumes { FileSystem.removeTree(runtime.configuration.dataDirectory) }
                    responder.respond(json(.object(JSONObject([("stopped", .array(names.map { .string($0) }))]))))
                    runtime.onDown?()
                }
                return nil
            }
        }
        router.get("/v1/events") { request, responder in
            let follow = request.queryParameter("follow") == "1" || request.queryParameter("follow") == "true"
            onRuntime(responder) { runtime in
                guard follow else {
                    return .init(contentType: "application/x-ndjson", body: runtime.events.recent.joined())
                }
                responder.startStream(HTTPResponseHead(status: .ok, headers: ["Content-Type": "application/x-ndjson"]))
                let token = runtime.events.subscribe { line in responder.writeChunk(ByteBuffer(string: line)) }
                let handle = RuntimeHandle(runtime)
                responder.onClientGoneFromAnyThread { handle.loop.execute { handle.runtime.events.unsubscribe(token) } }
                return nil
            }
        }
        router.get("/v1/logs") { request, responder in
            let follow = request.queryParameter("follow") == "1" || request.queryParameter("follow") == "true"
            let tail = request.queryParameter("tail").flatMap(Int.init) ?? 200
            let names = request.queryParameter("names").map { $0.split(separator: ",").map(String.init) } ?? []
            onRuntime(responder) { runtime in
                var filter: Set<String>?
                if !names.isEmpty { filter = Set(try runtime.resolve(names).map(\.name)) }
                let lines = runtime.logs.tail(filter, count: tail)
                guard follow else { return .init(contentType: "text/plain; charset=utf-8", body: lines.joined()) }
                responder.startStream(
                    HTTPResponseHead(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"]))
                if !lines.isEmpty { responder.writeChunk(ByteBuffer(string: lines.joined())) }
                let token = runtime.logs.follow(filter) { line in responder.writeChunk(ByteBuffer(string: line)) }
                let handle = RuntimeHandle(runtime)
                responder.onClientGoneFromAnyThread { handle.loop.execute { handle.runtime.logs.unfollow(token) } }
                return nil
            }
        }
        router.get("/v1/top") { _, responder in
            onRuntime(responder) { runtime in json(.array(runtime.instances.map(ProcessTop.sample))) }
        }
        router.get("/metrics") { _, responder in
            onRuntime(responder) { runtime in ControlAPI.metrics(runtime) }
        }
        return router
    }

    /// The supervisor's Prometheus metrics.
    static func metrics(_ runtime: SupervisorRuntime) -> HTTPResponse {
        runtime.metrics.refresh(runtime.instances)
        var body = ByteBuffer()
        runtime.metrics.registry.render(into: &body)
        return HTTPResponse(headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: body)
    }

    // MARK: - JSON

    static func body(_ request: HTTPRequest) throws -> JSONObject {
        if request.body.isEmpty { return JSONObject() }
        guard let object = try? JSONValue.parse(request.body.readableBytesArray).objectValue else {
            throw SupervisorError(.badRequest, "unable to read request: body is not a JSON object")
        }
        return object
    }

    static func describe(_ instance: InstanceRuntime) -> JSONValue {
        var object = JSONObject([
            ("name", .string(instance.name)), ("service", .string(instance.service.name)),
            ("state", .string(instance.stateName)),
        ])
        object["health"] = instance.healthName.map { .string($0) } ?? .null
        object["pid"] = instance.machine.pid.map { .integer(Int($0)) } ?? .null
        object["address"] = .string(instance.spec.address.description)
        object["port"] = .integer(instance.spec.port)
        object["restarts"] = .integer(instance.restarts)
        object["exit_code"] = instance.lastExit.map { .integer(Int($0.code)) } ?? .null
        object["started_at"] = instance.startedAtWall.map { .string(Logger.formatTimestamp($0)) } ?? .null
        return .object(object)
    }

    static func describe(_ result: ApplyResult) -> JSONValue {
        func list(_ names: [String]) -> JSONValue { .array(names.map { .string($0) }) }
        return .object(
            JSONObject([
                ("started", list(result.started)), ("stopped", list(result.stopped)),
                ("restarted", list(result.restarted)), ("unchanged", list(result.unchanged)),
            ]))
    }
}

/// The runtime, carried across threads to be used on its own loop only.
struct RuntimeHandle: @unchecked Sendable {
    // @unchecked Sendable: `runtime` is touched only on `loop`'s thread (callers hop there first).
    let runtime: SupervisorRuntime
    let loop: EventLoop
    init(_ runtime: SupervisorRuntime) {
        self.runtime = runtime
        self.loop = runtime.loop
    }
}

/// A JSON answer.
func json(_ value: JSONValue, status: HTTPResponseStatus = .ok) -> HTTPResponse {
    .json(value.compact + "\n", status: status)
}

extension HTTPResponse {
    init(contentType: String, body: String) {
        self.init(status: .ok, contentType: contentType, body: body)
    }
}
