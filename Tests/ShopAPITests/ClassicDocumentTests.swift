import JSON
import RESP
import Testing

@testable import ShopAPI

@Suite struct ClassicDocumentTests {
    private let pen = Product(
        id: 7, name: "Pen", category: "garden", company: "Acme", isSold: false, dateManufactured: "2024-02-29",
        cost: "1.5")

    private func object(_ text: String) throws -> JSONObject {
        try #require(try JSONValue.parse(Array(text.utf8)).objectValue)
    }

    @Test("a classic product's creation writes the document and lists it in both indexes")
    func productCreation() {
        #expect(
            pen.creationWrites == [
                ["SET", "product:7", pen.json], ["ZADD", "products", "7", "7"], ["ZADD", "products:garden", "7", "7"],
            ])
    }

    @Test("a classic PUT over a v1 product keeps its price and moves it out of its old category")
    func productReplacementKeepsPrice() throws {
        let stored = try object(#"{"id":7,"name":"Old","category":"office","price":250}"#)
        let (json, writes) = pen.replacement(of: stored)
        let answer = try #require(try JSONValue.parse(Array(json.utf8)).objectValue)
        #expect(answer["price"] == .integer(250))
        #expect(answer["category"] == .string("garden"))
        #expect(json == CatalogProduct(product: pen, price: 250, stock: nil).document)
        #expect(
            writes == [
                ["SET", "product:7", json], ["ZREM", "products:office", "7"], ["ZADD", "products", "7", "7"],
                ["ZADD", "products:garden", "7", "7"],
            ])
    }

    @Test("a classic PUT over a classic product in the same category stores it as sent and only re-lists it")
    func productReplacementWithoutPrice() throws {
        let (json, writes) = pen.replacement(of: try object(#"{"id":7,"category":"garden"}"#))
        #expect(json == pen.json)
        #expect(
            writes == [
                ["SET", "product:7", pen.json], ["ZADD", "products", "7", "7"], ["ZADD", "products:garden", "7", "7"],
            ])
    }

    @Test("a classic product's deletion removes the document, its stock and both index entries")
    func productDeletion() throws {
        let writes = Product.deletionWrites(7, stored: try object(#"{"id":7,"category":"garden"}"#), companions: [])
        #expect(
            writes == [["DEL", "product:7", "stock:7"], ["ZREM", "products", "7"], ["ZREM", "products:garden", "7"]])
    }

    @Test("a user's deletion removes the document, the password and every session")
    func userDeletion() {
        let members = RESPValue.array([.bulkString(Array("t1".utf8)), .bulkString(Array("t2".utf8))])
        #expect(User.companionReads("ann@example.com") == [["SMEMBERS", "sessions:ann@example.com"]])
        #expect(
            User.deletionWrites("ann@example.com", stored: JSONObject([]), companions: [members]) == [
                ["DEL", "user:ann@example.com", "password:ann@example.com"],
                ["DEL", "sessions:ann@example.com", "session:t1", "session:t2"],
            ])
    }

    @Test("a user's creation and replacement write the document alone")
    func userWrites() {
        let ann = User(email: "ann@example.com", firstName: "Ann", lastName: "Lee")
        #expect(ann.creationWrites == [["SET", "user:ann@example.com", ann.json]])
        #expect(ann.replacement(of: JSONObject([])) == (ann.json, [["SET", "user:ann@example.com", ann.json]]))
    }
}
