import HTTP

/// The admin's credential, `API_ADMIN_TOKEN`: catalog writes and classic writes need it as
/// `Authorization: Bearer <token>`. Without one configured, nobody is the admin (every such write is 403).
struct AdminToken: Sendable {
    /// The configured token, or nil when there is none.
    let value: String?

    init(_ value: String?) {
        self.value = value
    }

    /// Nil when `request` carries the admin token (compared in constant time); else 401 without a bearer
    /// token, 403 with another one or when no admin token is configured.
    func check(_ request: HTTPRequest) -> ShopError? {
        guard let value else { return .forbidden("no admin token is configured (API_ADMIN_TOKEN)") }
        guard let token = BearerToken.of(request) else { return .unauthorized("an admin bearer token is required") }
        return BearerToken.constantTimeEquals(token, value) ? nil : .forbidden("the admin token is required")
    }
}
