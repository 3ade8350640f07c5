import JSON

/// What the classic routes need of a document (a user, a product): the route and query parameter that
/// name one, how a request identifies it, its key in the store and its JSON. Pure.
protocol ClassicDocument: Sendable {
    /// What names one document: a user's email, a product's id.
    associatedtype Identity: Sendable & CustomStringConvertible

    /// The route (`/user`).
    static var path: String { get }
    /// The query parameter of a GET (`user`, `id`).
    static var queryParameter: String { get }
    /// The kind, for messages (`user`).
    static var kind: String { get }
    /// The body member of a DELETE and of its answer (`email`, `id`).
    static var identityField: String { get }

    /// The identity a GET's query names (422 when missing or malformed).
    static func identity(query: String?) throws(ShopError) -> Identity
    /// The identity a DELETE's body names (422 when missing or malformed).
    static func identity(body: JSONObject) throws(ShopError) -> Identity
    /// The identity as a JSON value, for the DELETE's answer.
    static func json(_ identity: Identity) -> JSONValue
    /// Where the document lives in the store.
    static func storageKey(_ identity: Identity) -> String
    /// What a DELETE removes: the document and the keys that belong to it (a user's password hash).
    static func deletionKeys(_ identity: Identity) -> [String]

    /// A document from a POST or PUT body (422 naming each bad field).
    init(body: JSONObject) throws(ShopError)
    /// This document's identity.
    var identity: Identity { get }
    /// This document as stored and answered.
    var json: String { get }
}

extension ClassicDocument {
    /// Just the document, by default.
    static func deletionKeys(_ identity: Identity) -> [String] { [storageKey(identity)] }
}

extension User: ClassicDocument {
    static var path: String { "/user" }
    static var queryParameter: String { "user" }
    static var kind: String { "user" }
    static var identityField: String { "email" }
    static func identity(query: String?) throws(ShopError) -> String { try email(query: query) }
    static func identity(body: JSONObject) throws(ShopError) -> String { try email(body: body) }
    static func json(_ identity: String) -> JSONValue { .string(identity) }
    static func storageKey(_ identity: String) -> String { storageKey(email: identity) }
    // A v1 user's password hash goes with them (their sessions expire by themselves).
    static func deletionKeys(_ identity: String) -> [String] {
        [storageKey(email: identity), passwordKey(email: identity)]
    }
    var identity: String { email }
}

extension Product: ClassicDocument {
    static var path: String { "/product" }
    static var queryParameter: String { "id" }
    static var kind: String { "product" }
    static var identityField: String { "id" }
    static func identity(query: String?) throws(ShopError) -> Int { try id(query: query) }
    static func identity(body: JSONObject) throws(ShopError) -> Int { try id(body: body) }
    static func json(_ identity: Int) -> JSONValue { .integer(identity) }
    static func storageKey(_ identity: Int) -> String { storageKey(id: identity) }
    var identity: Int { id }
}
