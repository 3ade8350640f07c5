import JSON
import Testing

@testable import ShopAPI

@Suite struct UserTests {
    private func body(_ text: String) throws -> JSONObject {
        try #require(try JSONValue.parse(Array(text.utf8)).objectValue)
    }

    @Test("a complete body becomes a user whose document has the classic field names")
    func completeBody() throws {
        let user = try User(body: body(#"{"email":"ann@example.com","first_name":"Ann","last_name":"Lee"}"#))
        #expect(user == User(email: "ann@example.com", firstName: "Ann", lastName: "Lee"))
        #expect(user.json == #"{"email":"ann@example.com","first_name":"Ann","last_name":"Lee"}"#)
        #expect(user.storageKey == "user:ann@example.com")
    }

    @Test("names sent as numbers are kept as their text, as the classic service stored them")
    func numericNames() throws {
        let user = try User(body: body(#"{"email":"a@b.co","first_name":42,"last_name":"7"}"#))
        #expect(user.firstName == "42" && user.lastName == "7")
    }

    @Test("an empty body names every missing field in a 422")
    func missingFields() throws {
        #expect(
            throws: ShopError.validation([
                ("email", "is required"), ("first_name", "is required"), ("last_name", "is required"),
            ])
        ) {
            try User(body: JSONObject())
        }
    }

    @Test("wrong types and a bad email are each named with what is wrong")
    func wrongTypes() throws {
        let body = try body(#"{"email":"not-an-email","first_name":["x"],"last_name":""}"#)
        let error = try #require(shopError { _ = try User(body: body) })
        #expect(error.status == 422 && error.code == "validation_failed")
        #expect(error.fields.map(\.name) == ["email", "first_name", "last_name"])
        #expect(error.fields[0].problem == "must be an email address")
    }

    @Test("null counts as missing")
    func nullIsMissing() throws {
        #expect(throws: ShopError.validation([("email", "is required")])) {
            try User.email(body: body(#"{"email":null}"#))
        }
    }

    @Test("the query parameter of GET /user is required and must be an email")
    func queryParameter() throws {
        #expect(try User.email(query: "a@b.co") == "a@b.co")
        #expect(throws: ShopError.validation([("user", "is required")])) { try User.email(query: nil) }
        #expect(throws: ShopError.validation([("user", "must be an email address")])) { try User.email(query: "x") }
    }
}
