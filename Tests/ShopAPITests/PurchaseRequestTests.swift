import JSON
import Testing

@testable import ShopAPI

@Suite struct PurchaseRequestTests {
    private func body(_ text: String) throws -> JSONObject {
        try #require(try JSONValue.parse(Array(text.utf8)).objectValue)
    }

    @Test("a body of lines becomes the purchase, in order, with its fingerprint")
    func lines() throws {
        let purchase = try PurchaseRequest(
            body: body(#"{"items":[{"product_id":7,"quantity":2},{"product_id":"9","quantity":1}]}"#))
        #expect(purchase.lines == [PurchaseLine(productID: 7, quantity: 2), PurchaseLine(productID: 9, quantity: 1)])
        #expect(purchase.fingerprint == "7x2,9x1")
    }

    @Test("missing, empty and oversized items are refused with 422 naming items")
    func itemsShape() throws {
        for text in [#"{}"#, #"{"items":[]}"#, #"{"items":{}}"#, #"{"items":null}"#] {
            let body = try body(text)
            let error = try #require(shopError { _ = try PurchaseRequest(body: body) })
            #expect(error.status == 422 && error.fields.map(\.name) == ["items"])
        }
        let many = "[" + Array(repeating: #"{"product_id":1,"quantity":1}"#, count: 101).joined(separator: ",") + "]"
        let body = try body(#"{"items":"# + many + "}")
        #expect(shopError { _ = try PurchaseRequest(body: body) }?.fields.map(\.name) == ["items"])
    }

    @Test("bad lines are each named: quantity below 1, a missing product id, a line that is no object")
    func badLines() throws {
        let body = try body(
            #"{"items":[{"product_id":7,"quantity":0},{"quantity":1},5,{"product_id":8,"quantity":"2"}]}"#)
        let error = try #require(shopError { _ = try PurchaseRequest(body: body) })
        #expect(error.status == 422)
        #expect(
            error.fields.map(\.name) == ["items[0].quantity", "items[1].product_id", "items[2]", "items[3].quantity"])
    }

    @Test("a product named twice is refused, not merged, naming the repeat")
    func duplicates() throws {
        let body = try body(#"{"items":[{"product_id":7,"quantity":1},{"product_id":7,"quantity":2}]}"#)
        let error = try #require(shopError { _ = try PurchaseRequest(body: body) })
        #expect(error.fields.map(\.name) == ["items[1].product_id"])
        #expect(error.fields.first?.problem.contains("items[0]") == true)
    }

    @Test("Idempotency-Key accepts tokens and refuses spaces, empty and overlong keys")
    func idempotencyKey() throws {
        #expect(try PurchaseRequest.idempotencyKey(nil) == nil)
        #expect(try PurchaseRequest.idempotencyKey("a1-B_.:z") == "a1-B_.:z")
        for bad in ["", "has space", String(repeating: "k", count: 129), "é"] {
            #expect(
                shopError { _ = try PurchaseRequest.idempotencyKey(bad) }?.fields.map(\.name) == ["Idempotency-Key"])
        }
    }
}
