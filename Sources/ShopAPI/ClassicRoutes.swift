import HTTP
import JSON
import RESP

/// The classic routes the Flask service had (`/user`, `/product`), with correct status codes, for any
/// `ClassicDocument`.
///
/// Each document is one JSON string at its storage key. Each write is an optimistic transaction
/// (`RouteTransaction`): WATCH the document (and its companions: a user's session set), read it, then in one
/// MULTI..EXEC write it with the keys that go with it, so two clients racing never both win and nothing
/// written alongside is lost: a POST creates (201, 409 when it exists), a PUT replaces (200, 404 when it is
/// missing; a product keeps its v1 `price` and moves between category indexes), a DELETE deletes (200, 404
/// when it was missing; with a user's password hash and sessions, a product's stock and index entries). A GET
/// answers the stored bytes as they are: no parsing on the read path.
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
            write(request, exchange, authorization: authorization, isCreation: true)
        }
        router.add(.PUT, Document.path) { request, exchange in
            write(request, exchange, authorization: authorization, isCreation: false)
        }
        router.add(.DELETE, Document.path) { request, exchange in
            let identity: Document.Identity
            do throws(ShopError) {
                if let denied = authorization.check(request) { throw denied }
                identity = try Document.identity(body: ClassicBody.object(of: request))
            } catch {
                return exchange.fail(error)
            }
            transaction(exchange, identity) { stored, companions throws(ShopError) in
                let label = "\(Document.kind) \(identity)"
                guard let stored = try document(stored, label: label) else { throw ShopError.notFound(label) }
                return Document.deletionWrites(identity, stored: stored, companions: companions)
            } done: {
                exchange.respondJSON(ClassicBody.deleted(Document.identityField, Document.json(identity)))
            }
        }
    }

    /// `POST` (201, 409 when it exists) or `PUT` (200, 404 when missing).
    private static func write(
        _ request: HTTPRequest, _ exchange: RequestExchange, authorization: WriteAuthorization, isCreation: Bool
    ) {
        let document: Document
        do throws(ShopError) {
            if let denied = authorization.check(request) { throw denied }
            document = try Document(body: ClassicBody.object(of: request))
        } catch {
            return exchange.fail(error)
        }
        let label = "\(Document.kind) \(document.identity)"
        var answer = document.json
        transaction(exchange, document.identity) { stored, _ throws(ShopError) in
            let old = try self.document(stored, label: label)
            if isCreation {
                guard old == nil else { throw ShopError.conflict(label) }
                return document.creationWrites
            }
            guard let old else { throw ShopError.notFound(label) }
            let replaced = document.replacement(of: old)
            answer = replaced.json
            return replaced.writes
        } done: {
            exchange.respondJSON(answer, status: isCreation ? .created : .ok)
        }
    }

    /// WATCH the document (and its companion keys), read them, then the writes `plan` decides from the stored
    /// document and the companions' replies, in one MULTI..EXEC.
    private static func transaction(
        _ exchange: RequestExchange, _ identity: Document.Identity,
        plan: @escaping (RESPValue, [RESPValue]) throws(ShopError) -> [[String]], done: @escaping () -> Void
    ) {
        let key = Document.storageKey(identity)
        let companions = Document.companionReads(identity)
        RouteTransaction.run(
            exchange, watch: [key] + companions.map { $0[1] }, reads: [["GET", key]] + companions
        ) { replies throws(ShopError) in
            try plan(replies[0], Array(replies.dropFirst()))
        } done: {
            done()
        }
    }

    /// The stored document as an object; nil when there is none (500 when it is not a JSON object).
    private static func document(_ reply: RESPValue, label: String) throws(ShopError) -> JSONObject? {
        switch reply {
        case .null: return nil
        case .bulkString(let bytes):
            guard let value = try? JSONValue.parse(bytes), case .object(let object) = value else {
                throw ShopError.internalError
            }
            return object
        default: throw ShopError.internalError
        }
    }
}
