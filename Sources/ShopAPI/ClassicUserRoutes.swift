import HTTP
import RESP

/// The classic `/user` routes the Flask service had, with correct status codes.
///
/// Each user is one JSON document at `user:{email}`; each write is a single atomic command, so two
/// clients racing never both win: `SET NX` creates (409 when it exists), `SET XX` updates (404 when it is
/// missing), `DEL` deletes (404 when it was missing).
enum ClassicUserRoutes {
    static func register(in router: inout ShopRouter, authorization: WriteAuthorization) {
        router.add(.GET, "/user") { request, exchange in
            let email: String
            do throws(ShopError) {
                email = try User.email(query: request.queryParameter("user"))
            } catch {
                return exchange.fail(error)
            }
            exchange.store.call(["GET", User.storageKey(email: email)]) { result in
                switch result {
                case .success(.bulkString(let document)): exchange.respondJSON(bytes: document)
                case .success(.null): exchange.fail(.notFound("user \(email)"))
                case .success(let other): exchange.unexpected(other, from: "GET")
                case .failure(let error): exchange.fail(error)
                }
            }
        }
        router.add(.POST, "/user") { request, exchange in
            write(request, exchange, authorization: authorization, condition: "NX", created: true)
        }
        router.add(.PUT, "/user") { request, exchange in
            write(request, exchange, authorization: authorization, condition: "XX", created: false)
        }
        router.add(.DELETE, "/user") { request, exchange in
            let email: String
            do throws(ShopError) {
                if let denied = authorization.check(request) { throw denied }
                email = try User.email(body: ClassicBody.object(of: request))
            } catch {
                return exchange.fail(error)
            }
            exchange.store.call(["DEL", User.storageKey(email: email)]) { result in
                switch result {
                case .success(.integer(1)): exchange.respondJSON(ClassicBody.deleted("email", .string(email)))
                case .success(.integer(0)): exchange.fail(.notFound("user \(email)"))
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
        let user: User
        do throws(ShopError) {
            if let denied = authorization.check(request) { throw denied }
            user = try User(body: ClassicBody.object(of: request))
        } catch {
            return exchange.fail(error)
        }
        let document = user.json
        exchange.store.call(["SET", user.storageKey, document, condition]) { result in
            switch result {
            case .success(.simpleString): exchange.respondJSON(document, status: created ? .created : .ok)
            case .success(.null):
                exchange.fail(created ? .conflict("user \(user.email)") : .notFound("user \(user.email)"))
            case .success(let other): exchange.unexpected(other, from: "SET")
            case .failure(let error): exchange.fail(error)
            }
        }
    }
}
