import Core
import HTTP
import TestSupport

/// The routes the loopback tests serve.
struct TestRoutes {
    /// Requests to `/held` wait here until the test answers them.
    let held = HeldResponders()
    /// Every request to `/count` is recorded here.
    let connections = ConnectionCounter()

    struct Failure: Error {}

    var router: Router {
        var router = Router()
        let held = self.held
        let connections = self.connections
        router.get("/hello") { _, responder in responder.respond(.text("hello")) }
        router.get("/v1/products/{id}") { request, responder in
            let id = request.pathParameters["id"] ?? "-"
            let color = request.queryParameter("color") ?? "-"
            responder.respond(.text("id=\(id) color=\(color) route=\(request.route)"))
        }
        router.get("/items") { _, responder in responder.respond(.json("[]")) }
        router.post("/items") { _, responder in responder.respond(.json("{}", status: .created)) }
        router.post("/echo") { request, responder in
            responder.respond(HTTPResponse(headers: ["Content-Type": "application/octet-stream"], body: request.body))
        }
        router.get("/held") { request, responder in held.handler(request, responder) }
        router.get("/count") { request, responder in
            connections.record(request)
            responder.respond(.text("counted"))
        }
        router.get("/sync/{text}") { request, responder in
            responder.respond(.text(request.pathParameters["text"] ?? ""))
        }
        // Answers from a task, after it has yielded at least once.
        router.get("/task/{text}") { request, responder in
            let text = request.pathParameters["text"] ?? ""
            responder.respond {
                await Task.yield()
                return .text(text)
            }
        }
        // Answers from a loop timer, a few milliseconds later.
        router.get("/timer/{text}") { request, responder in
            let text = request.pathParameters["text"] ?? ""
            responder.loop.schedule(after: .milliseconds(5)) { responder.respond(.text(text)) }
        }
        router.get("/throws") { _, responder in
            responder.respond { () async throws -> HTTPResponse in throw Failure() }
        }
        router.get("/head-aware") { _, responder in
            responder.respond(HTTPResponse(headers: ["X-Handler": "get"], body: ByteBuffer(string: "twelve bytes")))
        }
        router.add(.HEAD, "/head-aware") { _, responder in
            responder.respond(HTTPResponse(headers: ["X-Handler": "head"], body: ByteBuffer(string: "twelve bytes")))
        }
        return router
    }
}
