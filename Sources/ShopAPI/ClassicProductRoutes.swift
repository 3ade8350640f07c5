import HTTP
import RESP

/// The classic `/product` routes the Flask service had, with correct status codes.
///
/// Each product is one JSON document at `product:{id}`, written the way users are (`SET NX` to create,
/// `SET XX` to update, `DEL`). A `GET` answers the stored bytes as they are: no parsing on the read path.
enum ClassicProductRoutes {
    static func register(in router: inout ShopRouter, authorization: WriteAuthorization) {
        router.add(.GET, "/product") { request, exchange in
            let id: Int
            do throws(ShopError) {
                id = try Product.id(query: request.queryParameter("id"))
            } catch {
                return exchange.fail(error)
            }
            exchange.store.call(["GET", Product.storageKey(id: id)]) { result in
                switch result {
                case .success(.bulkString(let document)): exchange.respondJSON(bytes: document)
                case .success(.null): exchange.fail(.notFound("product \(id)"))
                case .success(let other): exchange.unexpected(other, from: "GET")
                case .failure(let error): exchange.fail(error)
                }
            }
        }
        router.add(.POST, "/product") { request, exchange in
            write(request, exchange, authorization: authorization, condition: "NX", created: true)
        }
        router.add(.PUT, "/product") { request, exchange in
            write(request, exchange, authorization: authorization, condition: "XX", created: false)
        }
        router.add(.DELETE, "/product") { request, exchange in
            let id: Int
            do throws(ShopError) {
                if let denied = authorization.check(request) { throw denied }
                id = try Product.id(body: ClassicBody.object(of: request))
            } catch {
                return exchange.fail(error)
            }
            exchange.store.call(["DEL", Product.storageKey(id: id)]) { result in
                switch result {
                case .success(.integer(1)): exchange.respondJSON(ClassicBody.deleted("id", .integer(id)))
                case .success(.integer(0)): exchange.fail(.notFound("product \(id)"))
                case .success(let other): exchange.unexpected(other, from: "DEL")
                case .failure(let error): exchange.fail(error)
                }
            }
        }
    }

    /// `POST` (`SET NX`, 201, 409 when it exists) or `PUT` (`SET XX`, 200, 404 when missing).
    private static func write(
        _ request: HTTPRequest, _ exchange: RequestExchange, authorization: WriteAuthorization, condition: String,
        created: Bool
    ) {
        let product: Product
        do throws(ShopError) {
            if let denied = authorization.check(request) { throw denied }
            product = try Product(body: ClassicBody.object(of: request))
        } catch {
            return exchange.fail(error)
        }
        let document = product.json
        exchange.store.call(["SET", product.storageKey, document, condition]) { result in
            switch result {
            case .success(.simpleString): exchange.respondJSON(document, status: created ? .created : .ok)
            case .success(.null):
                exchange.fail(created ? .conflict("product \(product.id)") : .notFound("product \(product.id)"))
            case .success(let other): exchange.unexpected(other, from: "SET")
            case .failure(let error): exchange.fail(error)
            }
        }
    }
}
