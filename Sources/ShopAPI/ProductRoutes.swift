import HTTP
import JSON
import RESP

/// The v1 catalog: `/v1/products` (create, list) and `/v1/products/{id}` (get, replace, patch, delete).
///
/// Writes need the admin (`Authenticator.requireAdmin`) and run as optimistic transactions on the loop's
/// `TransactionPool`: WATCH `product:{id}`, read it, then in one MULTI..EXEC write the document, the stock
/// at `stock:{id}` and the indexes `products` and `products:{category}` (sorted sets, score = id), so a
/// product and its index entries never disagree. Reads go through the pipelined `StoreGateway`.
enum ProductRoutes {
    /// Retries of a write whose watched product changed meanwhile.
    static let attempts = 20

    static func register(in router: inout ShopRouter, authenticator: any Authenticator) {
        router.add(.GET, "/v1/products/{id}") { request, exchange in
            let id: Int
            do throws(ShopError) { id = try pathID(request) } catch { return exchange.fail(error) }
            // A pure read: a replica may answer (a few milliseconds behind the master at worst).
            let keys = [StoreGateway.mget, Product.storageKeyBytes(id: id), CatalogProduct.stockKeyBytes(id: id)]
            exchange.store.read(bytes: keys) { result in
                switch result {
                case .success(.array(let values)) where values.count == 2:
                    guard case .bulkString(let document) = values[0] else {
                        return exchange.fail(.notFound("product \(id)"))
                    }
                    exchange.respondJSON(body: CatalogProduct.answerBody(document: document, stock: integer(values[1])))
                case .success(let other): exchange.unexpected(other, from: "MGET")
                case .failure(let error): exchange.fail(error)
                }
            }
        }
        router.add(.GET, "/v1/products") { request, exchange in list(request, exchange) }
        router.add(.POST, "/v1/products") { request, exchange in
            let product: CatalogProduct
            do throws(ShopError) {
                if let denied = authenticator.requireAdmin(request) { throw denied }
                product = try CatalogProduct(body: ClassicBody.object(of: request))
            } catch {
                return exchange.fail(error)
            }
            let id = product.product.id
            write(exchange, id: id, reads: [["GET", Product.storageKey(id: id)]]) { reads throws(ShopError) in
                guard reads[0] == .null else { throw ShopError.conflict("product \(id)") }
                return (writes(product, replacing: nil), product.stock ?? 0, .created)
            } done: { body, status in
                exchange.respondJSON(bytes: body, status: status)
            }
        }
        router.add(.PUT, "/v1/products/{id}") { request, exchange in
            replace(request, exchange, authenticator: authenticator, isPatch: false)
        }
        router.add(.PATCH, "/v1/products/{id}") { request, exchange in
            replace(request, exchange, authenticator: authenticator, isPatch: true)
        }
        router.add(.DELETE, "/v1/products/{id}") { request, exchange in
            let id: Int
            do throws(ShopError) {
                if let denied = authenticator.requireAdmin(request) { throw denied }
                id = try pathID(request)
            } catch {
                return exchange.fail(error)
            }
            write(exchange, id: id, reads: [["GET", Product.storageKey(id: id)]]) { reads throws(ShopError) in
                let old = try stored(reads[0], id: id)
                let category: String? = if case .string(let name) = old["category"] { name } else { nil }
                let commands =
                    [["DEL", Product.storageKey(id: id), CatalogProduct.stockKey(id: id)]]
                    + CatalogProduct.unindexWrites(id: id, category: category)
                return (commands, nil, .ok)
            } done: { _, _ in
                exchange.respondJSON(ClassicBody.deleted("id", .integer(id)))
            }
        }
    }

    /// `PUT` (the whole product) or `PATCH` (the given members over the stored document).
    private static func replace(
        _ request: HTTPRequest, _ exchange: RequestExchange, authenticator: any Authenticator, isPatch: Bool
    ) {
        let id: Int
        let body: JSONObject
        var replacement: CatalogProduct?
        do throws(ShopError) {
            if let denied = authenticator.requireAdmin(request) { throw denied }
            id = try pathID(request)
            body = try ClassicBody.object(of: request)
            if !isPatch { replacement = try CatalogProduct(body: body, pathID: id) }
        } catch {
            return exchange.fail(error)
        }
        let reads = [["GET", Product.storageKey(id: id)], ["GET", CatalogProduct.stockKey(id: id)]]
        write(exchange, id: id, reads: reads) { reads throws(ShopError) in
            let old = try stored(reads[0], id: id)
            var product: CatalogProduct
            if let replacement {
                product = replacement
            } else {
                var merged = old
                for (key, value) in body.members { merged[key] = value }
                product = try CatalogProduct(body: merged, pathID: id, isStockOptional: true)
            }
            let stock = product.stock ?? integer(reads[1])
            let oldCategory: String? = if case .string(let category) = old["category"] { category } else { nil }
            return (writes(product, replacing: oldCategory), stock, .ok)
        } done: { body, status in
            exchange.respondJSON(bytes: body, status: status)
        }
    }

    /// The writes of a created or replaced product (the stock only when given).
    private static func writes(_ product: CatalogProduct, replacing oldCategory: String?) -> [[String]] {
        var commands = [["SET", product.product.storageKey, product.document]]
        if let stock = product.stock {
            commands.append(["SET", CatalogProduct.stockKey(id: product.product.id), String(stock)])
        }
        return commands
            + CatalogProduct.indexWrites(
                id: product.product.id, category: product.product.category, replacing: oldCategory)
    }

    /// Runs one catalog write: WATCH `product:{id}`, `reads`, then `plan`'s writes (with the stock the answer
    /// shows, nil for none, and the status); `done` gets the answer's body (the document plus its stock).
    private static func write(
        _ exchange: RequestExchange, id: Int, reads: [[String]],
        plan: @escaping ([RESPValue]) throws(ShopError) -> ([[String]], Int?, HTTPResponseStatus),
        done: @escaping ([UInt8], HTTPResponseStatus) -> Void
    ) {
        var planned: ([[String]], Int?, HTTPResponseStatus)?
        let transaction = OptimisticTransaction(
            pool: exchange.context.transactions, prelude: [], watch: [Product.storageKey(id: id)], reads: reads,
            attempts: attempts, gate: Product.storageKey(id: id))
        transaction.run { _, reads throws(ShopError) in
            let decided = try plan(reads)
            planned = decided
            return .commit(writes: decided.0, after: [])
        } _: { result in
            switch result {
            case .failure(let error): exchange.fail(error)
            case .success((let outcome, let lease)):
                lease.release()
                guard case .committed = outcome, let (commands, stock, status) = planned else {
                    return exchange.fail(.transactionConflict)
                }
                let document = commands.first { $0[0] == "SET" && $0[1] == Product.storageKey(id: id) }?[2] ?? "{}"
                done(CatalogProduct.answer(document: Array(document.utf8), stock: stock), status)
            }
        }
    }

    /// `GET /v1/products?category=&cursor=&limit=`: ids after `cursor` from the index, then their documents
    /// and stocks in one `MGET`.
    private static func list(_ request: HTTPRequest, _ exchange: RequestExchange) {
        let page: Page
        var index = CatalogProduct.indexKey
        do throws(ShopError) {
            page = try Page(request)
            if let category = request.queryParameter("category") {
                guard let text = FieldValue.text(.string(category)) else {
                    throw ShopError.validation([("category", User.textExpectation)])
                }
                index = CatalogProduct.categoryIndexKey(text)
            }
        } catch {
            return exchange.fail(error)
        }
        let range = ["ZRANGEBYSCORE", index, "(\(page.cursor)", "+inf", "LIMIT", "0", String(page.limit + 1)]
        // A pure read: a replica may answer (a few milliseconds behind the master at worst).
        exchange.store.read(range) { result in
            guard case .success(.array(let members)) = result else {
                if case .failure(let error) = result { return exchange.fail(error) }
                return exchange.unexpected((try? result.get()) ?? .null, from: "ZRANGEBYSCORE")
            }
            let ids = members.prefix(page.limit).compactMap { integer($0) }
            let next = members.count > page.limit ? ids.last.map(String.init) : nil
            guard !ids.isEmpty else { return exchange.respondJSON(bytes: Page.answer(items: [], next: next)) }
            let keys = ids.map { Product.storageKey(id: $0) } + ids.map { CatalogProduct.stockKey(id: $0) }
            exchange.store.read(["MGET"] + keys) { result in
                switch result {
                case .success(.array(let values)) where values.count == 2 * ids.count:
                    var items: [[UInt8]] = []
                    for position in ids.indices {
                        // A product deleted between the two calls is left out.
                        guard case .bulkString(let document) = values[position] else { continue }
                        items.append(
                            CatalogProduct.answer(document: document, stock: integer(values[ids.count + position])))
                    }
                    exchange.respondJSON(bytes: Page.answer(items: items, next: next))
                case .success(let other): exchange.unexpected(other, from: "MGET")
                case .failure(let error): exchange.fail(error)
                }
            }
        }
    }

    /// The `{id}` of the path (422 unless a positive integer).
    static func pathID(_ request: HTTPRequest) throws(ShopError) -> Int {
        guard let id = FieldValue.positiveInteger(request.pathParameters["id"] ?? "") else {
            throw ShopError.validation([("id", Product.idExpectation)])
        }
        return id
    }

    /// The stored document as an object (404 when missing).
    private static func stored(_ reply: RESPValue, id: Int) throws(ShopError) -> JSONObject {
        guard case .bulkString(let bytes) = reply else { throw ShopError.notFound("product \(id)") }
        guard let value = try? JSONValue.parse(bytes), case .object(let object) = value else {
            throw ShopError.internalError
        }
        return object
    }

    /// An integer reply or bulk string of digits; nil otherwise.
    static func integer(_ reply: RESPValue) -> Int? {
        switch reply {
        case .integer(let number): return number
        case .bulkString(let bytes): return Int(String(decoding: bytes, as: UTF8.self))
        default: return nil
        }
    }
}
