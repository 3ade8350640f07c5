import JSON

/// The body of `POST /v1/users`: `{email, password, first_name, last_name}`. Pure.
struct Registration: Sendable {
    /// The user's document (what is stored at `user:{email}` and answered).
    var user: User
    /// The password in clear: hashed on a worker, then dropped. Never logged.
    var password: String

    /// The registration of `body`; throws a 422 naming every missing or invalid field.
    init(body: JSONObject) throws(ShopError) {
        var reader = FieldReader(body)
        let email = reader.read("email", "must be an email address", FieldValue.email)
        let password = reader.read("password", Password.expectation, Password.accepted)
        let firstName = reader.read("first_name", User.textExpectation, FieldValue.text)
        let lastName = reader.read("last_name", User.textExpectation, FieldValue.text)
        try reader.finish()
        user = User(email: email!, firstName: firstName!, lastName: lastName!)
        self.password = password!
    }
}
