import JSON
import RESP

/// What the classic routes need of a document (a user, a product): the route and query parameter that
/// name one, how a request identifies it, its key in the store, its JSON and the writes that create, replace
/// or delete it (with the keys that go with it: a product's price and index entries, a user's sessions).
/// Pure.
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
    /// Reads a write sends after the document's `GET`, each of one key the write also WATCHes (a user's
    /// session set).
    static func companionReads(_ identity: Identity) -> [[String]]
    /// The writes of a DELETE of the stored document `stored`, given the replies of `companionReads`.
    static func deletionWrites(_ identity: Identity, stored: JSONObject, companions: [RESPValue]) -> [[String]]

    /// A document from a POST or PUT body (422 naming each bad field).
    init(body: JSONObject) throws(ShopError)
    /// This document's identity.
    var identity: Identity { get }
    /// This document as stored and answered.
    var json: String { get }
    /// The writes of a POST, once no document is stored.
    var creationWrites: [[String]] { get }
    /// The document a PUT stores over `stored`, and its writes.
    func replacement(of stored: JSONObject) -> (json: String, writes: [[String]])
}

extension ClassicDocument {
    /// Just the document, by default.
    static func deletionKeys(_ identity: Identity) -> [String] { [storageKey(identity)] }
    /// None by default.
    static func companionReads(_ identity: Identity) -> [[String]] { [] }
    /// `DEL` of `deletionKeys`, by default.
    static func deletionWrites(_ identity: Identity, stored: JSONObject, companions: [RESPValue]) -> [[String]] {
        [["DEL"] + deletionKeys(identity)]
    }
    /// `SET` of the document, by default.
    var creationWrites: [[String]] { [["SET", Self.storageKey(identity), json]] }
    /// This document as it is, by default.
    func replacement(of stored: JSONObject) -> (json: String, writes: [[String]]) {
        (json, [["SET", Self.storageKey(identity), json]])
    }
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
    // A v1 user's password hash goes with them.
    static func deletionKeys(_ identity: String) -> [String] {
        [storageKey(email: identity), passwordKey(email: identity)]
    }
    static func companionReads(_ identity: String) -> [[String]] { [["SMEMBERS", Sessions.setKey(email: identity)]] }
    // And so do their sessions, in the same EXEC: a deleted user's token must not keep buying.
    static func deletionWrites(_ identity: String, stored: JSONObject, companions: [RESPValue]) -> [[String]] {
        [["DEL"] + deletionKeys(identity)]
            + Sessions.endingWrites(email: identity, members: companions.first ?? .null, keeping: nil)
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

    // The stock goes with the document (a product created again later starts from none), and so do the
    // listing's index entries.
    static func deletionKeys(_ identity: Int) -> [String] {
        [storageKey(id: identity), CatalogProduct.stockKey(id: identity)]
    }
    static func deletionWrites(_ identity: Int, stored: JSONObject, companions: [RESPValue]) -> [[String]] {
        let category: String? = if case .string(let name) = stored["category"] { name } else { nil }
        return [["DEL"] + deletionKeys(identity)] + CatalogProduct.unindexWrites(id: identity, category: category)
    }
    var creationWrites: [[String]] {
        [["SET", storageKey, json]] + CatalogProduct.indexWrites(id: id, category: category, replacing: nil)
    }
    // A classic client knows nothing of `price`: a v1 product keeps the one it has.
    func replacement(of stored: JSONObject) -> (json: String, writes: [[String]]) {
        let document: String
        if let price = stored["price"].flatMap(CatalogProduct.price) {
            document = CatalogProduct(product: self, price: price, stock: nil).document
        } else {
            document = json
        }
        let oldCategory: String? = if case .string(let name) = stored["category"] { name } else { nil }
        return (
            document,
            [["SET", storageKey, document]]
                + CatalogProduct.indexWrites(id: id, category: category, replacing: oldCategory)
        )
    }
}
