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
/// either exists); a delete removes both in one `DEL`.
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
                update(email, changes, exchange, hasher)
            }
        }
        router.add(.DELETE, "/v1/users/{email}") { request, exchange in
            withUser(request, exchange, authenticator) { email in
                exchange.store.call(["DEL", User.storageKey(email: email), User.passwordKey(email: email)]) { result in
                    switch result {
                    case .success(.integer(let count)) where count > 0:
                        deleteSessions(of: email, exchange) {
                            exchange.respond(HTTPResponse(status: .noContent))
                        }
                    case .success(.integer): exchange.fail(.notFound("user \(email)"))
                    case .success(let other): exchange.unexpected(other, from: "DEL")
                    case .failure(let error): exchange.fail(error)
                    }
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

    /// Reads the document (404 when missing), rewrites the password's hash when it changes (hashed on a
    /// worker), then the document when a name changes, and answers the document.
    private static func update(
        _ email: String, _ changes: UserChanges, _ exchange: RequestExchange, _ hasher: PasswordHasher
    ) {
        // On the master: the document read here is written back; a stale one would undo a recent change.
        exchange.store.call(["GET", User.storageKey(email: email)]) { result in
            let user: User
            switch result {
            case .success(.bulkString(let document)):
                guard let object = try? JSONValue.parse(document).objectValue, let stored = try? User(body: object)
                else { return exchange.unexpected(.bulkString(document), from: "GET") }
                user = changes.applied(to: stored)
            case .success(.null): return exchange.fail(.notFound("user \(email)"))
            case .success(let other): return exchange.unexpected(other, from: "GET")
            case .failure(let error): return exchange.fail(error)
            }
            let writeDocument = {
                guard changes.changesNames else { return exchange.respondJSON(user.json) }
                // XX: a user deleted meanwhile stays deleted (404) instead of coming back.
                exchange.store.call(["SET", user.storageKey, user.json, "XX"]) { result in
                    switch result {
                    case .success(.simpleString): exchange.respondJSON(user.json)
                    case .success(.null): exchange.fail(.notFound("user \(email)"))
                    case .success(let other): exchange.unexpected(other, from: "SET")
                    case .failure(let error): exchange.fail(error)
                    }
                }
            }
            guard let password = changes.password else { return writeDocument() }
            hasher.hash(password, on: exchange.responder.loop) { hashed in
                guard case .success(let hash) = hashed else { return exchange.fail(hashed.failure!) }
                exchange.store.call(["SET", User.passwordKey(email: email), hash]) { result in
                    switch result {
                    case .success(.simpleString): writeDocument()
                    case .success(let other): exchange.unexpected(other, from: "SET")
                    case .failure(let error): exchange.fail(error)
                    }
                }
            }
        }
    }

    /// Deletes every session of `email` (the tokens in `sessions:{email}`, then the set), then calls `done`.
    /// A failure here still calls `done`: the user is gone, and their sessions expire by themselves.
    static func deleteSessions(of email: String, _ exchange: RequestExchange, _ done: @escaping () -> Void) {
        let setKey = Sessions.setKey(email: email)
        exchange.store.call(["SMEMBERS", setKey]) { result in
            var keys = [setKey]
            if case .success(let reply) = result {
                switch reply {
                case .array(let members), .set(let members):
                    for case .bulkString(let token) in members {
                        keys.append(Sessions.key(token: String(decoding: token, as: UTF8.self)))
                    }
                default: break
                }
            }
            exchange.store.call(["DEL"] + keys) { _ in done() }
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
