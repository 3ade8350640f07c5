import HTTP

/// Decides whether a request may write through the classic routes (`POST|PUT|DELETE /user` and `/product`).
///
/// The classic writes follow the v1 rules: they need the admin token (`Authorization: Bearer
/// <API_ADMIN_TOKEN>`, compared in constant time); 401 without a bearer token, 403 with another one or when
/// no admin token is configured. Every write handler asks it before touching the store.
public struct WriteAuthorization: Sendable {
    private let admin: AdminToken

    /// An authorization that lets through the requests carrying `adminToken` (nobody when it is nil).
    public init(adminToken: String?) {
        admin = AdminToken(adminToken)
    }

    /// Nil when `request` may write; otherwise the error to answer.
    public func check(_ request: HTTPRequest) -> ShopError? {
        admin.check(request)
    }
}
