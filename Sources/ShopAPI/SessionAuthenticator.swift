import HTTP
import RESP

/// The server's `Authenticator`: a user is whoever holds a live session token (`session:{token}` in the
/// store, written at log-in with an expiry); the admin is whoever holds `API_ADMIN_TOKEN`.
struct SessionAuthenticator: Authenticator {
    let admin: AdminToken

    /// An authenticator whose admin holds `adminToken` (nobody when nil).
    init(adminToken: String?) {
        admin = AdminToken(adminToken)
    }

    func user(
        of request: HTTPRequest, exchange: RequestExchange, _ completion: @escaping (Result<String, ShopError>) -> Void
    ) {
        guard let token = BearerToken.of(request) else {
            return completion(.failure(.unauthorized("a bearer token is required")))
        }
        // Anything that is not shaped like our tokens is refused before it reaches the store.
        guard BearerToken.isSessionToken(token) else { return completion(.failure(Sessions.invalid)) }
        // On the master: a token is used right after log-in, and a logged-out one must stop working at once.
        exchange.store.call(["GET", Sessions.key(token: token)]) { result in
            switch result {
            case .success(.bulkString(let email)): completion(.success(String(decoding: email, as: UTF8.self)))
            case .success(.null): completion(.failure(Sessions.invalid))
            case .success(let other):
                exchange.context.logger.error(
                    "unexpected store reply", ["request_id": exchange.requestID, "command": "GET", "reply": other])
                completion(.failure(.internalError))
            case .failure(let error): completion(.failure(error))
            }
        }
    }

    func requireAdmin(_ request: HTTPRequest) -> ShopError? {
        admin.check(request)
    }
}

/// Where sessions live in the store. A session is `session:{token}` -> the user's email, with an expiry
/// (`SET ... EX`); `sessions:{email}` is the set of that user's tokens, so deleting the user can delete
/// them (it expires with the newest session; tokens in it that already expired are simply gone).
enum Sessions {
    /// The key of the session with `token`.
    static func key(token: String) -> String { "session:" + token }
    /// The key of the set of `email`'s session tokens.
    static func setKey(email: String) -> String { "sessions:" + email }
    /// 401 for a token that is malformed, unknown, expired or logged out: the same answer for each.
    static let invalid = ShopError.unauthorized("the session is not valid or has expired")
}
