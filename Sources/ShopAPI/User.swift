import JSON

/// A user of the classic routes: `{email, first_name, last_name}`, stored as this JSON document at
/// `user:{email}`. Pure.
public struct User: Sendable, Equatable {
    /// The email address, the user's identity.
    public var email: String
    /// The first name (a non-empty line of text).
    public var firstName: String
    /// The last name (a non-empty line of text).
    public var lastName: String

    /// A user from its fields, already valid.
    public init(email: String, firstName: String, lastName: String) {
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
    }

    /// The user of a `POST|PUT /user` body; throws a 422 naming every missing or invalid field.
    public init(body: JSONObject) throws(ShopError) {
        var reader = FieldReader(body)
        let email = reader.read("email", "must be an email address", FieldValue.email)
        let firstName = reader.read("first_name", User.textExpectation, FieldValue.text)
        let lastName = reader.read("last_name", User.textExpectation, FieldValue.text)
        try reader.finish()
        self.init(email: email!, firstName: firstName!, lastName: lastName!)
    }

    /// The email of a `DELETE /user` body; throws a 422 when it is missing or invalid.
    public static func email(body: JSONObject) throws(ShopError) -> String {
        var reader = FieldReader(body)
        let email = reader.read("email", "must be an email address", FieldValue.email)
        try reader.finish()
        return email!
    }

    /// The email of `GET /user?user=<email>`; throws a 422 naming `user` when it is missing or invalid.
    public static func email(query: String?) throws(ShopError) -> String {
        guard let query else { throw ShopError.validation([("user", "is required")]) }
        guard let email = FieldValue.email(query) else {
            throw ShopError.validation([("user", "must be an email address")])
        }
        return email
    }

    /// The store key of the user with `email`.
    public static func storageKey(email: String) -> String { "user:" + email }

    /// The store key of this user.
    public var storageKey: String { User.storageKey(email: email) }

    /// The JSON document: what is stored and what the API answers.
    public var json: String {
        JSONValue.object(
            JSONObject([
                ("email", .string(email)), ("first_name", .string(firstName)), ("last_name", .string(lastName)),
            ])
        ).compact
    }

    static let textExpectation = "must be a non-empty text of at most \(FieldValue.maximumTextLength) characters"
}
