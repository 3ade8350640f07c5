import HTTP

/// Decides whether a request may write through the classic routes (`POST|PUT|DELETE /user` and `/product`).
///
/// Slice 1 of the API has no credentials yet, so every write is allowed: this type is the one place slice
/// 2 checks the admin token (`Authorization: Bearer <API_ADMIN_TOKEN>`, compared in constant time) and
/// answers 401 or 403. Every write handler already asks it before touching the store.
public struct WriteAuthorization: Sendable {
    /// An authorization that allows every write (slice 1).
    public init() {}

    /// Nil when `request` may write; otherwise the error to answer. Always nil for now.
    public func check(_ request: HTTPRequest) -> ShopError? {
        nil
    }
}
