import HTTP

/// Who is calling: the one seam between the routes and the credentials (sessions, the admin token).
///
/// Routes ask it before acting; it answers on the request's loop. The implementation that checks bearer
/// tokens against sessions in the store comes with the sessions slice; until then `NoSessions` answers
/// 401 to every request that needs a user, and 403 to every catalog write.
protocol Authenticator: Sendable {
    /// Calls `completion` on the request's loop with the logged-in user's email, or the error to answer
    /// (401 without valid credentials).
    func user(
        of request: HTTPRequest, exchange: RequestExchange, _ completion: @escaping (Result<String, ShopError>) -> Void)

    /// Nil when `request` carries the admin token (compared in constant time); else the error to answer
    /// (401 without credentials, 403 with others).
    func requireAdmin(_ request: HTTPRequest) -> ShopError?
}

/// No sessions yet: nobody is logged in and nobody is the admin.
struct NoSessions: Authenticator {
    func user(
        of request: HTTPRequest, exchange: RequestExchange, _ completion: @escaping (Result<String, ShopError>) -> Void
    ) {
        completion(.failure(.server(status: 401, message: "unable to authenticate: sessions are not implemented yet")))
    }

    func requireAdmin(_ request: HTTPRequest) -> ShopError? {
        .server(status: 403, message: "unable to authorize: the admin token is not configured yet")
    }
}
