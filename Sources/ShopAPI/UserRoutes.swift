import HTTP
import JSON
import RESP

/// The v1 users: register (`POST /v1/users`), read, change and delete (`/v1/users/{email}`, the user
/// themself or the admin).
///
/// A user is two keys: the classic document at `user:{email}` (the same JSON the classic routes store and
/// answer) and the password's hash at `password:{email}`. Keeping the hash out of the document is the
/// cleaner choice: the classic GET keeps answering the stored bytes as they are, with nothing to strip
/// (so no route can leak the hash by forgetting to), and a classic `PUT /user`, which rewrites the whole
/// document, cannot lose the password. Registration writes both keys in one `MSETNX` (atomic: 409 when
/// either exists); a change and a delete are optimistic transactions (`RouteTransaction`) over the document
/// and the user's session set: a delete removes both keys and every session, a new password ends every
/// session but the caller's.
enum UserRoutes {
    static func register(
        in router: inout ShopRouter, authenticator: any Authenticator, hasher: PasswordHasher
    ) {
        router.add(.POST, "/v1/users") { request, exchange in
            let registration: Registration
            do throws(ShopError) {
                registration = try Registration(body: ClassicBody.object(of: request))
            } catch {
                return exchange.fail(error)
            }
            let user = registration.user
            hasher.hash(registration.password, on: exchange.responder.loop) { hashed in
                guard case .success(let hash) = hashed else { return exchange.fail(hashed.failure!) }
                let json = user.json
                exchange.store.call(["MSETNX", user.storageKey, json, User.passwordKey(email: user.email), hash]) {
                    result in
                    switch result {
                    case .success(.integer(1)): exchange.respondJSON(json, status: .created)
                    case .success(.integer(0)): exchange.fail(.conflict("user \(user.email)"))
                    case .success(let other): exchange.unexpected(other, from: "MSETNX")
                    case .failure(let error): exchange.fail(error)
                    }
                }
            }
        }
        router.add(.GET, "/v1/users/{email}") { request, exchange in
            withUser(request, exchange, authenticator) { email in
                // A pure read: a replica may answer (a few milliseconds behind the master at worst).
                exchange.store.read(["GET", User.storageKey(email: email)]) { result in
                    switch result {
                    case .success(.bulkString(let document)): exchange.respondJSON(bytes: document)
                    case .success(.null): exchange.fail(.notFound("user \(email)"))
                    case .success(let other): exchange.unexpected(other, from: "GET")
                    case .failure(let error): exchange.fail(error)
                    }
                }
            }
        }
        router.add(.PATCH, "/v1/users/{email}") { request, exchange in
            withUser(request, exchange, authenticator) { email in
                let changes: UserChanges
                do throws(ShopError) {
                    changes = try UserChanges(body: ClassicBody.object(of: request))
                } catch {
                    return exchange.fail(error)
                }
                update(email, changes, request, exchange, hasher)
            }
        }
        router.add(.DELETE, "/v1/users/{email}") { request, exchange in
            withUser(request, exchange, authenticator) { email in
                // The classic delete's transaction: the document, the password and every session in one EXEC.
                let reads = [["GET", User.storageKey(email: email)]] + User.companionReads(email)
                RouteTransaction.run(exchange, watch: reads.map { $0[1] }, reads: reads) { replies throws(ShopError) in
                    guard replies[0] != .null else { throw ShopError.notFound("user \(email)") }
                    return User.deletionWrites(email, stored: JSONObject([]), companions: Array(replies.dropFirst()))
                } done: {
                    exchange.respond(HTTPResponse(status: .noContent))
                }
            }
        }
    }

    /// Checks that the caller is the user of the path (or the admin), then that the path names an email,
    /// and calls `body` with it.
    private static func withUser(
        _ request: HTTPRequest, _ exchange: RequestExchange, _ authenticator: any Authenticator,
        _ body: @escaping (String) -> Void
    ) {
        let path = request.pathParameters["email"] ?? ""
        authenticator.requireSelfOrAdmin(path, of: request, exchange: exchange) {
            guard let email = FieldValue.email(path) else {
                return exchange.fail(.validation([("email", "must be an email address")]))
            }
            body(email)
        }
    }

    /// Hashes a new password (on a worker), then in one transaction: WATCH the document and the session set,
    /// read them (404 when the user is missing), and write the changed names, the new hash and, with a new
    /// password, the end of every session but the caller's, in one MULTI..EXEC; answers the document.
    ///
    /// WATCH makes two PATCHes of different fields both land (the second re-reads what the first wrote), and a
    /// log-in that adds a session meanwhile makes the write start over and end that session too.
    private static func update(
        _ email: String, _ changes: UserChanges, _ request: HTTPRequest, _ exchange: RequestExchange,
        _ hasher: PasswordHasher
    ) {
        // The caller's own session stays (they just proved they hold it); the admin's token is not a session.
        let kept = BearerToken.of(request).flatMap { BearerToken.isSessionToken($0) ? $0 : nil }
        let write = { (hash: String?) in
            var answer = ""
            let reads = [["GET", User.storageKey(email: email)], ["SMEMBERS", Sessions.setKey(email: email)]]
            RouteTransaction.run(exchange, watch: reads.map { $0[1] }, reads: reads) { replies throws(ShopError) in
                let plan = try changes.plan(
                    email: email, stored: replies[0], sessions: replies[1], hash: hash, keeping: kept)
                answer = plan.json
                return plan.writes
            } done: {
                exchange.respondJSON(answer)
            }
        }
        guard let password = changes.password else { return write(nil) }
        hasher.hash(password, on: exchange.responder.loop) { hashed in
            guard case .success(let hash) = hashed else { return exchange.fail(hashed.failure!) }
            write(hash)
        }
    }
}

extension User {
    /// The store key of the password's hash of the user with `email` (see `UserRoutes` for why it is not
    /// in the user's document).
    static func passwordKey(email: String) -> String { "password:" + email }
}

extension Result {
    /// The error of a failure, nil for a success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
