import HTTP
import JSON
import RESP

/// Log-in (`POST /v1/sessions`: a bearer token for `{email, password}`) and log-out (`DELETE /v1/sessions`
/// with that token).
///
/// A log-in reads the hash at `password:{email}` and checks the password on a worker; an unknown email is
/// checked against a dummy hash, so both failures take as long and answer the same 401. A success stores
/// `session:{token}` -> email with `EX lifetime`, and adds the token to `sessions:{email}`, in one transaction
/// that checks the password is still the one verified.
enum SessionRoutes {
    static func register(
        in router: inout ShopRouter, authenticator: any Authenticator, hasher: PasswordHasher, lifetimeSeconds: Int
    ) {
        router.add(.POST, "/v1/sessions") { request, exchange in
            let credentials: LoginCredentials
            do throws(ShopError) {
                credentials = try LoginCredentials(body: ClassicBody.object(of: request))
            } catch {
                return exchange.fail(error)
            }
            let email = credentials.email
            let check = { (hash: String?) in
                hasher.verify(credentials.password, against: hash, on: exchange.responder.loop) { verified in
                    switch verified {
                    case .success(true):
                        open(for: email, checkedAgainst: hash ?? "", exchange, lifetimeSeconds: lifetimeSeconds)
                    case .success(false): exchange.fail(.wrongCredentials)
                    case .failure(let error): exchange.fail(error)
                    }
                }
            }
            // An email that cannot exist is still checked (against the dummy hash): the same time, the same 401.
            guard FieldValue.email(email) != nil else { return check(nil) }
            // On the master: a password just changed (or a user just registered) must count at once.
            exchange.store.call(["GET", User.passwordKey(email: email)]) { result in
                switch result {
                case .success(.bulkString(let bytes)): check(String(decoding: bytes, as: UTF8.self))
                case .success(.null): check(nil)
                case .success(let other): exchange.unexpected(other, from: "GET")
                case .failure(let error): exchange.fail(error)
                }
            }
        }
        router.add(.DELETE, "/v1/sessions") { request, exchange in
            authenticator.user(of: request, exchange: exchange) { result in
                guard case .success(let email) = result, let token = BearerToken.of(request) else {
                    return exchange.fail(result.failure ?? Sessions.invalid)
                }
                exchange.store.call(["DEL", Sessions.key(token: token)]) { result in
                    switch result {
                    case .success(.integer(1)):
                        exchange.store.call(["SREM", Sessions.setKey(email: email), token]) { _ in
                            exchange.respond(HTTPResponse(status: .noContent))
                        }
                    // It expired or was logged out between the lookup and the delete.
                    case .success(.integer): exchange.fail(Sessions.invalid)
                    case .success(let other): exchange.unexpected(other, from: "DEL")
                    case .failure(let error): exchange.fail(error)
                    }
                }
            }
        }
    }

    /// Stores a new session for `email` and answers 201 `{"token": ..., "expires_in": ...}`, unless the
    /// password changed since it was checked against `hash` (401, as for a wrong password).
    ///
    /// One transaction: WATCH `password:{email}`, read it, then `SET session:{token} email EX`, `SADD` and
    /// `EXPIRE` of `sessions:{email}` in one MULTI..EXEC. A password change (or a deletion) commits either
    /// before it (the hash read differs: 401) or after it (and then ends this session with the others): a
    /// log-in with the old password cannot outlive the change.
    private static func open(
        for email: String, checkedAgainst hash: String, _ exchange: RequestExchange, lifetimeSeconds: Int
    ) {
        let token = BearerToken.newSessionToken()
        let lifetime = String(lifetimeSeconds)
        let passwordKey = User.passwordKey(email: email)
        let setKey = Sessions.setKey(email: email)
        RouteTransaction.run(exchange, watch: [passwordKey], reads: [["GET", passwordKey]]) {
            replies throws(ShopError) in
            guard case .bulkString(let current) = replies[0], current == Array(hash.utf8) else {
                throw ShopError.wrongCredentials
            }
            return [
                ["SET", Sessions.key(token: token), email, "EX", lifetime], ["SADD", setKey, token],
                ["EXPIRE", setKey, lifetime],
            ]
        } done: {
            let body = JSONValue.object(
                JSONObject([("token", .string(token)), ("expires_in", .integer(lifetimeSeconds))]))
            exchange.respondJSON(body.compact, status: .created)
        }
    }
}
