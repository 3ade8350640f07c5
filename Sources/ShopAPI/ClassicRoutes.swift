import HTTP
import RESP

/// The classic routes the Flask service had (`/user`, `/product`), with correct status codes, for any
/// `ClassicDocument`.
///
/// Each document is one JSON string at its storage key; each write is a single atomic command, so two
/// clients racing never both win: `SET NX` creates (201, 409 when it exists), `SET XX` updates (200, 404
/// when it is missing), `DEL` deletes (200, 404 when it was missing; with the keys that belong to the
/// document, such as a user's password hash). A GET answers the stored bytes as
/// they are: no parsing on the read path.
enum ClassicRoutes<Document: ClassicDocument> {
    static func register(in router: inout ShopRouter, authorization: WriteAuthorization) {
        router.add(.GET, Document.path) { request, exchange in
            let identity: Document.Identity
            do throws(ShopError) {
                identity = try Document.identity(query: request.queryParameter(Document.queryParameter))
            } catch {
                return exchange.fail(error)
            }
            // A pure read: a replica may answer (a few milliseconds behind the master at worst).
            exchange.store.read(["GET", Document.storageKey(identity)]) { result in
                switch result {
                case .success(.bulkString(let document)): exchange.respondJSON(bytes: document)
                case .success(.null): exchange.fail(.notFound("\(Document.kind) \(identity)"))
                case .success(let other): exchange.unexpected(other, from: "GET")
                case .failure(let error): exchange.fail(error)
                }
            }
        }
        router.add(.POST, Document.path) { request, exchange in
            write(request, exchange, authorization: authorization, condition: "NX", created: true)
        }
        router.add(.PUT, Document.path) { request, exchange in
            write(request, exchange, authorization: authorization, condition: "XX", created: false)
        }
        router.add(.DELETE, Document.path) { request, exchange in
            let identity: Document.Identity
            do throws(ShopError) {
                if let denied = authorization.check(request) { throw denied }
                identity = try Document.identity(body: ClassicBody.object(of: request))
            } catch {
                return exchange.fail(error)
            }
            exchange.store.call(["DEL"] + Document.deletionKeys(identity)) { result in
                switch result {
                case .success(.integer(let count)) where count > 0:
                    exchange.respondJSON(ClassicBody.deleted(Document.identityField, Document.json(identity)))
                case .success(.integer): exchange.fail(.notFound("\(Document.kind) \(identity)"))
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
        let document: Document
        do throws(ShopError) {
            if let denied = authorization.check(request) { throw denied }
            document = try Document(body: ClassicBody.object(of: request))
        } catch {
            return exchange.fail(error)
        }
        let json = document.json
        let label = "\(Document.kind) \(document.identity)"
        exchange.store.call(["SET", Document.storageKey(document.identity), json, condition]) { result in
            switch result {
            case .success(.simpleString): exchange.respondJSON(json, status: created ? .created : .ok)
            case .success(.null): exchange.fail(created ? .conflict(label) : .notFound(label))
            case .success(let other): exchange.unexpected(other, from: "SET")
            case .failure(let error): exchange.fail(error)
            }
        }
    }
}
