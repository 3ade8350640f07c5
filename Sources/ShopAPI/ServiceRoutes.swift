import Core
import HTTP
import Metrics
import RESP

/// The operational endpoints: `/health` (the process answers), `/ready` (the store answers `PING` in
/// time), `/metrics` (Prometheus text) and `/openapi.json` (the API's description, `OpenAPIDocument`).
enum ServiceRoutes {
    static func register(in router: inout ShopRouter, registry: MetricsRegistry) {
        router.add(.GET, "/health") { _, exchange in
            exchange.respondJSON(#"{"status":"ok"}"#)
        }
        router.add(.GET, "/ready") { _, exchange in
            exchange.store.call(["PING"]) { result in
                switch result {
                case .success(.simpleString("PONG")): exchange.respondJSON(#"{"status":"ready"}"#)
                case .success(let other): exchange.unexpected(other, from: "PING")
                case .failure(let error): exchange.fail(error)
                }
            }
        }
        router.add(.GET, "/metrics") { _, exchange in
            var body = ByteBuffer()
            registry.render(into: &body)
            exchange.respond(HTTPResponse(headers: ["Content-Type": MetricsRegistry.contentType], body: body))
        }
        // Rendered here, once, at startup: a request copies the bytes.
        let document = OpenAPIDocument.bytes
        router.add(.GET, "/openapi.json") { _, exchange in
            exchange.respondJSON(bytes: document)
        }
    }
}
