import HTTP

/// The API's route table: a `Router` whose handlers get a `RequestExchange` (request id, metrics, log
/// line) instead of a bare responder. Built once, then frozen into the router the HTTP server runs.
struct ShopRouter {
    /// What an API handler gets: the request and its exchange. Runs on the connection's loop thread.
    typealias Handler = @Sendable (HTTPRequest, RequestExchange) -> Void

    private(set) var router = Router()
    /// Every route added, as `GET /v1/products/{id}`, in order: what the OpenAPI document must describe.
    private(set) var routes: [String] = []
    let contexts: LoopContexts

    init(contexts: LoopContexts) {
        self.contexts = contexts
    }

    /// Adds `handler` for `method` on `template`.
    mutating func add(_ method: HTTPMethod, _ template: String, _ handler: @escaping Handler) {
        let contexts = self.contexts
        routes.append("\(method.rawValue) \(template)")
        router.add(method, template) { request, responder in
            let context = contexts.context(for: responder.loop)
            handler(request, RequestExchange(request: request, responder: responder, context: context))
        }
    }
}
