import JSON
import Testing

@testable import ShopAPI

/// The bodies of the v1 users and sessions routes: each field's rules, and every bad field named at once.
@Suite struct AccountBodiesTests {
    private func body(_ text: String) throws -> JSONObject {
        try #require(try JSONValue.parse(Array(text.utf8)).objectValue)
    }

    private func problems(_ make: () throws -> Void) -> [String: String] {
        guard let error = shopError(make) else { return [:] }
        #expect(error.status == 422 && error.code == "validation_failed")
        return Dictionary(uniqueKeysWithValues: error.fields.map { ($0.name, $0.problem) })
    }

    @Test("a registration keeps the classic document and the password apart")
    func registration() throws {
        let registration = try Registration(
            body: body(#"{"email":"ann@example.com","password":"correct horse","first_name":"Ann","last_name":"Lee"}"#))
        #expect(registration.user == User(email: "ann@example.com", firstName: "Ann", lastName: "Lee"))
        #expect(registration.password == "correct horse")
        #expect(!registration.user.json.contains("password"))
    }

    @Test(
        "a registration names every bad field",
        arguments: [
            (
                "{}",
                [
                    "email": "is required", "password": "is required", "first_name": "is required",
                    "last_name": "is required",
                ]
            ),
            (
                #"{"email":"nope","password":"short","first_name":"","last_name":" "}"#,
                [
                    "email": "must be an email address", "password": Password.expectation,
                    "first_name": User.textExpectation, "last_name": User.textExpectation,
                ]
            ),
            (
                #"{"email":"a@b.co","password":12345678,"first_name":"A","last_name":"B"}"#,
                ["password": Password.expectation]
            ),
            (#"{"email":"a@b.co","password":null,"first_name":"A","last_name":"B"}"#, ["password": "is required"]),
            (#"{"email":"a@b.co","password":"12345678","first_name":"A","last_name":"B"}"#, [:]),
        ])
    func registrationMatrix(text: String, expected: [String: String]) throws {
        let object = try body(text)
        #expect(problems { _ = try Registration(body: object) } == expected)
    }

    @Test(
        "changes take any of the names and the password, at least one",
        arguments: [
            (#"{"first_name":"Anne"}"#, [:]),
            (#"{"last_name":"Li","password":"new password"}"#, [:]),
            (#"{"first_name":null,"password":"new password"}"#, [:]),
            (
                #"{"first_name":"","password":"short"}"#,
                ["first_name": User.textExpectation, "password": Password.expectation]
            ),
            (
                #"{"email":"other@example.com"}"#,
                [
                    "first_name": "at least one of first_name, last_name and password is required",
                    "last_name": "at least one of first_name, last_name and password is required",
                    "password": "at least one of first_name, last_name and password is required",
                ]
            ),
        ])
    func changesMatrix(text: String, expected: [String: String]) throws {
        let object = try body(text)
        #expect(problems { _ = try UserChanges(body: object) } == expected)
    }

    @Test("changes apply only the names they carry")
    func changesApplied() throws {
        let changes = try UserChanges(body: body(#"{"last_name":"Li","password":"new password"}"#))
        let user = User(email: "ann@example.com", firstName: "Ann", lastName: "Lee")
        #expect(changes.applied(to: user) == User(email: "ann@example.com", firstName: "Ann", lastName: "Li"))
        #expect(changes.changesNames && changes.password == "new password")
        #expect(try !UserChanges(body: body(#"{"password":"new password"}"#)).changesNames)
    }

    @Test(
        "log-in credentials need an email and a password as strings, and nothing more",
        arguments: [
            (#"{}"#, ["email": "is required", "password": "is required"]),
            (#"{"email":1,"password":["x"]}"#, ["email": "must be a text", "password": "must be a text"]),
            // A malformed email or a short password is a wrong password (401), not a 422: nothing is learnt.
            (#"{"email":"nope","password":"x"}"#, [:]),
        ])
    func credentialsMatrix(text: String, expected: [String: String]) throws {
        let object = try body(text)
        #expect(problems { _ = try LoginCredentials(body: object) } == expected)
    }
}
