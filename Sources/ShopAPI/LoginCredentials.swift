import JSON

/// The body of `POST /v1/sessions`: `{email, password}`. Pure.
///
/// Only the presence and types are checked (422): a password too short or an email unknown is a wrong
/// password like any other (401), so the answer says nothing about which accounts exist.
struct LoginCredentials: Sendable {
    var email: String
    /// In clear: checked on a worker, then dropped. Never logged.
    var password: String

    /// The credentials of `body`; throws a 422 naming each missing field.
    init(body: JSONObject) throws(ShopError) {
        var reader = FieldReader(body)
        let email = reader.read("email", "must be a text") { $0.stringValue }
        let password = reader.read("password", "must be a text") { $0.stringValue }
        try reader.finish()
        self.email = email!
        self.password = password!
    }
}
