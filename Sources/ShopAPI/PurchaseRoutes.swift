import Core
import HTTP
import RESP

/// `POST /v1/purchases`, `GET /v1/purchases/{id}` and `GET /v1/users/{email}/purchases`.
///
/// A purchase is one optimistic transaction on a dedicated pool connection (`OptimisticTransaction`):
/// `INCR order:next` once, then WATCH every line's `stock:{id}` and `product:{id}` (and the idempotency
/// record) and read them with one MGET; `PurchaseDecision` decides; MULTI, DECRBY each stock, SET the order,
/// RPUSH it to `orders:{email}`, SET the idempotency record, EXEC. When another client changed a watched key
/// in between, EXEC does nothing and the purchase starts over (at most `attempts` times, then 503): so a
/// stock is only ever decremented from the value the check saw, and never below zero. After EXEC, `ROLE`
/// (in the same write) says whether the master has replicas; if so `WAIT 1 <bound>` on the same
/// connection says whether one acknowledged the order: `"replicated"` and `X-Replicated`.
enum PurchaseRoutes {
    /// Attempts of a purchase whose watched keys keep changing. In line behind the loop's gate only one
    /// purchase of a hot product per loop competes, so losing 32 times in a row needs many loops or
    /// instances selling the same product at once.
    static let attempts = 32

    static func register(in router: inout ShopRouter, authenticator: any Authenticator, replicaWaitTimeout: TimeAmount)
    {
        router.add(.POST, "/v1/purchases") { request, exchange in
            authenticator.user(of: request, exchange: exchange) { user in
                switch user {
                case .failure(let error):
                    count(exchange, "unauthenticated")
                    exchange.fail(error)
                case .success(let email):
                    purchase(request, exchange, email: email, replicaWaitTimeout: replicaWaitTimeout)
                }
            }
        }
        router.add(.GET, "/v1/purchases/{id}") { request, exchange in
            let id: Int
            do throws(ShopError) { id = try ProductRoutes.pathID(request) } catch { return exchange.fail(error) }
            viewer(request, exchange, authenticator) { viewer in
                // A pure read: a replica may answer; an order just created may be missing there for a few
                // milliseconds (404), which a client that just got its 201 can retry.
                exchange.store.read(["GET", Order.storageKey(id: id)]) { result in
                    switch result {
                    case .success(.bulkString(let document)):
                        guard viewer.mayRead(ownerOf: document) else {
                            return exchange.fail(.notFound("purchase \(id)"))
                        }
                        exchange.respondJSON(bytes: document)
                    case .success(.null): exchange.fail(.notFound("purchase \(id)"))
                    case .success(let other): exchange.unexpected(other, from: "GET")
                    case .failure(let error): exchange.fail(error)
                    }
                }
            }
        }
        router.add(.GET, "/v1/users/{email}/purchases") { request, exchange in
            let email: String
            let page: Page
            do throws(ShopError) {
                guard let valid = FieldValue.email(request.pathParameters["email"] ?? "") else {
                    throw ShopError.validation([("email", "must be an email address")])
                }
                email = valid
                page = try Page(request)
            } catch {
                return exchange.fail(error)
            }
            viewer(request, exchange, authenticator) { viewer in
                guard viewer.isAdmin || viewer.email == email else {
                    return exchange.fail(.notFound("purchases of \(email)"))
                }
                history(exchange, email: email, page: page)
            }
        }
    }

    // MARK: - Purchase

    private static func purchase(
        _ request: HTTPRequest, _ exchange: RequestExchange, email: String, replicaWaitTimeout: TimeAmount
    ) {
        let purchase: PurchaseRequest
        let recordKey: String?
        do throws(ShopError) {
            purchase = try PurchaseRequest(body: ClassicBody.object(of: request))
            recordKey = try PurchaseRequest.idempotencyKey(request.headers.first(name: "Idempotency-Key")).map {
                Order.idempotencyKey(email: email, key: $0)
            }
        } catch {
            count(exchange, "invalid")
            return exchange.fail(error)
        }
        let keys = PurchaseDecision.readKeys(request: purchase, idempotencyKey: recordKey)
        let transaction = OptimisticTransaction(
            pool: exchange.context.transactions, prelude: [["INCR", Order.counterKey]], watch: keys,
            reads: [["MGET"] + keys], attempts: attempts,
            gate: purchase.lines.map(\.productID).min().map { CatalogProduct.stockKey(id: $0) })
        var order: Order?
        transaction.run { prelude, reads throws(ShopError) in
            guard case .integer(let orderID) = prelude.first, case .array(let values) = reads.first else {
                throw ShopError.internalError
            }
            let decision = PurchaseDecision.decide(
                request: purchase, email: email, orderID: orderID, createdAt: Int(wallClockSeconds()),
                hasKey: recordKey != nil, reads: values)
            switch decision {
            case .replay(let id): return .finish(after: [["GET", Order.storageKey(id: id)], ["ROLE"]])
            case .commit(let decided):
                order = decided
                let writes = PurchaseDecision.writes(order: decided, request: purchase, idempotencyKey: recordKey)
                return .commit(writes: writes, after: [["ROLE"]])
            case .keyReused: throw ShopError.idempotencyKeyReused
            case .unknownProduct(let index, let id): throw ShopError.unknownProduct(index: index, productID: id)
            case .notForSale(let index, let id): throw ShopError.notForSale(index: index, productID: id)
            case .insufficient(let shortages): throw ShopError.insufficientStock(shortages)
            case .unreadable(let what):
                exchange.context.logger.error(
                    "unreadable purchase data", ["request_id": exchange.requestID, "what": what])
                throw ShopError.internalError
            }
        } _: { result in
            switch result {
            case .failure(let error):
                count(exchange, label(of: error))
                exchange.fail(error)
            case .success((.conflicted, let lease)):
                lease.release()
                count(exchange, "conflict_retries_exhausted")
                exchange.fail(.transactionConflict)
            case .success((.committed(let exec, let after), let lease)):
                guard let order else { return exchange.fail(.internalError) }
                checkStocks(exec, order: order, exchange: exchange)
                awaitReplica(lease, role: after.first, bound: replicaWaitTimeout, exchange) { isReplicated in
                    count(exchange, "created")
                    exchange.context.metrics.itemsSold.increment(by: Double(order.units))
                    answer(exchange, document: Array(order.json.utf8), status: .created, isReplicated: isReplicated)
                }
            case .success((.finished(let after), let lease)):
                guard after.count == 2, case .bulkString(let document) = after[0] else {
                    lease.release()
                    return exchange.unexpected(after.first ?? .null, from: "GET")
                }
                awaitReplica(lease, role: after[1], bound: replicaWaitTimeout, exchange) { isReplicated in
                    count(exchange, "replayed")
                    answer(exchange, document: document, status: .ok, isReplicated: isReplicated)
                }
            }
        }
    }

    /// Logs loudly if a committed DECRBY went below zero: the transaction makes that impossible.
    private static func checkStocks(_ exec: [RESPValue], order: Order, exchange: RequestExchange) {
        for (index, reply) in exec.prefix(order.lines.count).enumerated() {
            if case .integer(let left) = reply, left >= 0 { continue }
            exchange.context.logger.error(
                "purchase left a stock below zero",
                ["request_id": exchange.requestID, "product": order.lines[index].productID, "reply": reply])
        }
    }

    /// With replicas (the `ROLE` reply lists some), `WAIT 1 <bound>` on the transaction's connection; then
    /// gives the connection back and calls `done` with whether a replica acknowledged.
    private static func awaitReplica(
        _ lease: TransactionLease, role: RESPValue?, bound: TimeAmount, _ exchange: RequestExchange,
        _ done: @escaping (Bool) -> Void
    ) {
        guard case .array(let fields) = role, fields.count == 3, case .array(let replicas) = fields[2],
            !replicas.isEmpty
        else {
            lease.release()
            return done(false)
        }
        lease.connection.send(pipeline: [["WAIT", "1", String(bound.milliseconds)]]) { result in
            lease.release(isReusable: (try? result.get()) != nil)
            guard case .success(let replies) = result, case .integer(let acknowledged) = replies[0] else {
                return done(false)
            }
            done(acknowledged >= 1)
        }
    }

    private static func answer(
        _ exchange: RequestExchange, document: [UInt8], status: HTTPResponseStatus, isReplicated: Bool
    ) {
        var headers = RequestExchange.jsonHeaders
        headers.add(name: "X-Replicated", value: isReplicated ? "true" : "false")
        exchange.respond(
            HTTPResponse(
                status: status, headers: headers,
                body: ByteBuffer(bytes: Order.answer(document: document, isReplicated: isReplicated))))
    }

    private static func count(_ exchange: RequestExchange, _ result: String) {
        exchange.context.metrics.purchases.labels(result).increment()
    }

    /// The `result` label of a failed purchase.
    static func label(of error: ShopError) -> String {
        switch error.code {
        case "insufficient_stock", "not_for_sale", "idempotency_key_reused", "store_unavailable": return error.code
        case "not_found": return "unknown_product"
        default: return "error"
        }
    }

    // MARK: - Reading orders

    /// Who reads: the admin, or a logged-in user.
    private struct Viewer {
        var isAdmin: Bool
        var email: String?

        func mayRead(ownerOf document: [UInt8]) -> Bool {
            isAdmin || (email != nil && Order.owner(ofDocument: document) == email)
        }
    }

    /// The admin when the request carries the admin token, else the logged-in user, else the error (401).
    private static func viewer(
        _ request: HTTPRequest, _ exchange: RequestExchange, _ authenticator: any Authenticator,
        _ body: @escaping (Viewer) -> Void
    ) {
        if authenticator.requireAdmin(request) == nil { return body(Viewer(isAdmin: true, email: nil)) }
        authenticator.user(of: request, exchange: exchange) { result in
            switch result {
            case .success(let email): body(Viewer(isAdmin: false, email: email))
            case .failure(let error): exchange.fail(error)
            }
        }
    }

    /// A page of `orders:{email}`, newest first. The list only grows at its end, so an index from its head
    /// is a stable cursor: `next_cursor` is the index of the oldest order of the page, and the next page
    /// holds the orders before it.
    private static func history(_ exchange: RequestExchange, email: String, page: Page) {
        let list = Order.listKey(email: email)
        func answer(before end: Int) {
            guard end > 0 else { return exchange.respondJSON(bytes: Page.answer(items: [], next: nil)) }
            let start = max(0, end - page.limit)
            // Pure reads, on replicas: the list only grows, so a lagging replica shows an older prefix of it.
            exchange.store.read(["LRANGE", list, String(start), String(end - 1)]) { result in
                guard case .success(.array(let members)) = result else {
                    if case .failure(let error) = result { return exchange.fail(error) }
                    return exchange.unexpected((try? result.get()) ?? .null, from: "LRANGE")
                }
                let ids = members.reversed().compactMap { ProductRoutes.integer($0) }
                let next = start > 0 ? String(start) : nil
                guard !ids.isEmpty else { return exchange.respondJSON(bytes: Page.answer(items: [], next: next)) }
                exchange.store.read(["MGET"] + ids.map { Order.storageKey(id: $0) }) { result in
                    switch result {
                    case .success(.array(let values)):
                        let items = values.compactMap { value -> [UInt8]? in
                            if case .bulkString(let document) = value { return document }
                            return nil
                        }
                        exchange.respondJSON(bytes: Page.answer(items: items, next: next))
                    case .success(let other): exchange.unexpected(other, from: "MGET")
                    case .failure(let error): exchange.fail(error)
                    }
                }
            }
        }
        if page.cursor > 0 { return answer(before: page.cursor) }
        exchange.store.read(["LLEN", list]) { result in
            switch result {
            case .success(.integer(let length)): answer(before: length)
            case .success(let other): exchange.unexpected(other, from: "LLEN")
            case .failure(let error): exchange.fail(error)
            }
        }
    }
}
