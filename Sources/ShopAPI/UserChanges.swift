import JSON
import RESP

/// The body of `PATCH /v1/users/{email}`: any of `first_name`, `last_name`, `password`, at least one. Pure.
struct UserChanges: Sendable {
    var firstName: String?
    var lastName: String?
    /// A new password in clear: hashed on a worker, then dropped. Never logged.
    var password: String?

    /// The changes of `body`; throws a 422 naming every invalid field, or all three when none is given.
    init(body: JSONObject) throws(ShopError) {
        var problems: [(name: String, problem: String)] = []
        func optional<T>(_ name: String, _ expectation: String, _ parse: (JSONValue) -> T?) -> T? {
            guard let value = body[name], value != .null else { return nil }
            guard let parsed = parse(value) else {
                problems.append((name, expectation))
                return nil
            }
            return parsed
        }
        firstName = optional("first_name", User.textExpectation, FieldValue.text)
        lastName = optional("last_name", User.textExpectation, FieldValue.text)
        password = optional("password", Password.expectation, Password.accepted)
        if problems.isEmpty, firstName == nil, lastName == nil, password == nil {
            let problem = "at least one of first_name, last_name and password is required"
            problems = [("first_name", problem), ("last_name", problem), ("password", problem)]
        }
        if !problems.isEmpty { throw ShopError.validation(problems) }
    }

    /// Whether a name changes (the document is rewritten).
    var changesNames: Bool { firstName != nil || lastName != nil }

    /// `user` with these names applied.
    func applied(to user: User) -> User {
        var user = user
        if let firstName { user.firstName = firstName }
        if let lastName { user.lastName = lastName }
        return user
    }

    /// The document a PATCH answers and the writes it queues, from the stored document (`GET`), the session set
    /// (`SMEMBERS`) and the new password's `hash`: the document when a name changes, the hash, and the end of
    /// every session but `kept` when the password changes. 404 when no document is stored, 500 when it is not
    /// a user.
    func plan(
        email: String, stored: RESPValue, sessions: RESPValue, hash: String?, keeping kept: String?
    ) throws(ShopError) -> (json: String, writes: [[String]]) {
        guard case .bulkString(let document) = stored else {
            if stored == .null { throw ShopError.notFound("user \(email)") }
            throw ShopError.internalError
        }
        guard let object = try? JSONValue.parse(document).objectValue, let user = try? User(body: object) else {
            throw ShopError.internalError
        }
        let changed = applied(to: user)
        var writes: [[String]] = []
        if changesNames { writes.append(["SET", changed.storageKey, changed.json]) }
        if let hash {
            writes.append(["SET", User.passwordKey(email: email), hash])
            writes += Sessions.endingWrites(email: email, members: sessions, keeping: kept)
        }
        return (changed.json, writes)
    }
}
