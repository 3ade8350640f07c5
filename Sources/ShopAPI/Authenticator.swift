import HTTP

/// Who is calling: the one seam between the routes and the credentials (sessions, the admin token).
///
/// Routes ask it before acting; it answers on the request's loop. `SessionAuthenticator` is the one the
/// server uses (bearer tokens looked up as `session:{token}` in the store, the admin token from
/// `API_ADMIN_TOKEN`); `NoSessions` is for tests of routes that must refuse everyone.
protocol Authenticator: Sendable {
    /// Calls `completion` on the request's loop with the logged-in user's email, or the error to answer
    /// (401 without valid credentials, 503 when the store cannot say).
    func user(
        of request: HTTPRequest, exchange: RequestExchange, _ completion: @escaping (Result<String, ShopError>) -> Void)

    /// Nil when `request` carries the admin token (compared in constant time); else the error to answer
    /// (401 without credentials, 403 with others).
    func requireAdmin(_ request: HTTPRequest) -> ShopError?
}

extension Authenticator {
    /// Calls `proceed` (on the request's loop) when `request` comes from the admin or from the user
    /// `email` themself; otherwise answers 401 or 403 and never calls it.
    func requireSelfOrAdmin(
        _ email: String, of request: HTTPRequest, exchange: RequestExchange, _ proceed: @escaping () -> Void
    ) {
        if requireAdmin(request) == nil { return proceed() }
        user(of: request, exchange: exchange) { result in
            switch result {
            case .success(let caller) where caller == email: proceed()
            case .success: exchange.fail(.forbidden("only the user themself or the admin may do this"))
            case .failure(let error): exchange.fail(error)
            }
        }
    }
}

/// Nobody is logged in and nobody is the admin.
struct NoSessions: Authenticator {
    func user(
        of request: HTTPRequest, exchange: RequestExchange, _ completion: @escaping (Result<String, ShopError>) -> Void
    ) {
        completion(.failure(.unauthorized("no sessions are accepted")))
    }

    func requireAdmin(_ request: HTTPRequest) -> ShopError? {
        .forbidden("no admin token is accepted")
    }
}
