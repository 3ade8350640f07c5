import RESP
import Testing

@testable import ShopAPI

@Suite struct SessionsEndingTests {
    private let members = RESPValue.set([.bulkString(Array("a".utf8)), .bulkString(Array("b".utf8))])

    @Test("ending every session deletes each token's key and the set")
    func endAll() {
        #expect(
            Sessions.endingWrites(email: "ann@example.com", members: members, keeping: nil) == [
                ["DEL", "sessions:ann@example.com", "session:a", "session:b"]
            ])
        #expect(
            Sessions.endingWrites(email: "ann@example.com", members: .null, keeping: nil) == [
                ["DEL", "sessions:ann@example.com"]
            ])
    }

    @Test("keeping the caller's session ends the others and leaves it in the set")
    func keepOne() {
        #expect(
            Sessions.endingWrites(email: "ann@example.com", members: members, keeping: "a") == [
                ["DEL", "session:b"], ["SREM", "sessions:ann@example.com", "b"],
            ])
        #expect(
            Sessions.endingWrites(
                email: "ann@example.com", members: .array([.bulkString(Array("a".utf8))]), keeping: "a"
            ).isEmpty)
    }
}
