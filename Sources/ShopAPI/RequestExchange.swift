import Core
import HTTP
import RESP
import Reactor

/// One request on its way to an answer: the responder, the loop's context and the request id.
///
/// Every answer goes through `respond`, which adds `X-Request-ID`, records the duration histogram and the
/// in-flight gauge, and writes the request's log line. Loop thread only.
struct RequestExchange {
    let responder: HTTPResponder
    let context: LoopContext
    let requestID: String
    let method: HTTPMethod
    let route: String

    /// Starts the exchange of `request`: keeps the client's request id or makes one, counts it in flight.
    init(request: HTTPRequest, responder: HTTPResponder, context: LoopContext) {
        self.responder = responder
        self.context = context
        self.method = request.method
        self.route = request.route
        if let id = RequestID.accepted(request.headers.first(name: "X-Request-ID")) {
            requestID = id
        } else {
            requestID = context.requestIDs.next()
        }
        context.metrics.inFlight.increment()
    }

    /// The loop's store gateway.
    var store: StoreGateway { context.store }

    /// Answers with `response`. Exactly once.
    func respond(_ response: HTTPResponse) {
        var response = response
        response.headers.add(name: "X-Request-ID", value: requestID)
        let duration = Instant.now - responder.receivedAt
        context.metrics.inFlight.decrement()
        context.durationHistogram(method: method, route: route, code: response.status.code).observe(duration)
        context.requestLog.record(
            requestID: requestID, method: method, subject: route, status: response.status.code, duration: duration)
        responder.respond(response)
    }

    /// Answers with the error's JSON.
    func fail(_ error: ShopError) {
        respond(error.response)
    }

    /// Answers 500 to a store reply the route cannot use, and logs it.
    func unexpected(_ reply: RESPValue, from command: String) {
        context.logger.error("unexpected store reply", ["request_id": requestID, "command": command, "reply": reply])
        fail(.internalError)
    }

    /// Answers with a JSON document.
    func respondJSON(_ json: String, status: HTTPResponseStatus = .ok) {
        respond(HTTPResponse(status: status, headers: RequestExchange.jsonHeaders, body: ByteBuffer(string: json)))
    }

    /// Answers with a JSON document already in bytes (a stored document, as the store returned it).
    func respondJSON(bytes: [UInt8], status: HTTPResponseStatus = .ok) {
        respond(HTTPResponse(status: status, headers: RequestExchange.jsonHeaders, body: ByteBuffer(bytes: bytes)))
    }

    /// Answers with a JSON document already in a body buffer.
    func respondJSON(body: ByteBuffer, status: HTTPResponseStatus = .ok) {
        respond(HTTPResponse(status: status, headers: RequestExchange.jsonHeaders, body: body))
    }

    static let jsonHeaders: HTTPHeaders = ["Content-Type": "application/json"]
}
