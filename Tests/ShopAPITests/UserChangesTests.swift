import JSON
import RESP
import Testing

@testable import ShopAPI

@Suite struct UserChangesTests {
    private let stored = RESPValue.bulkString(
        Array(#"{"email":"ann@example.com","first_name":"Ann","last_name":"Lee"}"#.utf8))
    private let sessions = RESPValue.array([.bulkString(Array("mine".utf8)), .bulkString(Array("other".utf8))])

    private func changes(_ text: String) throws -> UserChanges {
        try UserChanges(body: try #require(try JSONValue.parse(Array(text.utf8)).objectValue))
    }

    @Test("a name change rewrites the document over the one read, keeping the other name")
    func nameChange() throws {
        let plan = try changes(#"{"last_name":"Park"}"#).plan(
            email: "ann@example.com", stored: stored, sessions: sessions, hash: nil, keeping: "mine")
        let expected = User(email: "ann@example.com", firstName: "Ann", lastName: "Park").json
        #expect(plan.json == expected)
        #expect(plan.writes == [["SET", "user:ann@example.com", expected]])
    }

    @Test("a password change sets the hash and ends every session but the kept one")
    func passwordChange() throws {
        let plan = try changes(#"{"password":"new horse!"}"#).plan(
            email: "ann@example.com", stored: stored, sessions: sessions, hash: "$y$hash", keeping: "mine")
        #expect(
            plan.writes == [
                ["SET", "password:ann@example.com", "$y$hash"], ["DEL", "session:other"],
                ["SREM", "sessions:ann@example.com", "other"],
            ])
        let byAdmin = try changes(#"{"password":"new horse!"}"#).plan(
            email: "ann@example.com", stored: stored, sessions: sessions, hash: "$y$hash", keeping: nil)
        #expect(byAdmin.writes.last == ["DEL", "sessions:ann@example.com", "session:mine", "session:other"])
    }

    @Test("a missing user is 404 and a document that is not a user is 500")
    func missingOrBroken() throws {
        let change = try changes(#"{"first_name":"Anne"}"#)
        #expect(throws: ShopError.notFound("user ann@example.com")) {
            try change.plan(email: "ann@example.com", stored: .null, sessions: .null, hash: nil, keeping: nil)
        }
        #expect(throws: ShopError.internalError) {
            try change.plan(
                email: "ann@example.com", stored: .bulkString(Array("[]".utf8)), sessions: .null, hash: nil,
                keeping: nil)
        }
    }
}
