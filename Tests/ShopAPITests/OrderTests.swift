import JSON
import Testing

@testable import ShopAPI

@Suite struct OrderTests {
    @Test("an order's JSON has its lines with unit prices and amounts, the total in cents and its owner")
    func json() {
        let order = Order(
            id: 3, email: "ann@example.com",
            lines: [
                Order.Line(productID: 7, quantity: 2, unitPrice: 250),
                Order.Line(productID: 9, quantity: 1, unitPrice: 5),
            ],
            createdAt: 1_700_000_000)
        #expect(
            order.json
                == #"{"id":3,"user":"ann@example.com","items":[{"product_id":7,"quantity":2,"unit_price":250,"#
                + #""amount":500},{"product_id":9,"quantity":1,"unit_price":5,"amount":5}],"total":505,"#
                + #""created_at":1700000000}"#)
        #expect(Order.owner(ofDocument: Array(order.json.utf8)) == "ann@example.com")
    }

    @Test("the answer adds replicated to the stored document's bytes")
    func answer() {
        #expect(
            String(decoding: Order.answer(document: Array(#"{"id":1}"#.utf8), isReplicated: true), as: UTF8.self)
                == #"{"id":1,"replicated":true}"#)
        #expect(
            String(decoding: Order.answer(document: Array("{}".utf8), isReplicated: false), as: UTF8.self)
                == #"{"replicated":false}"#)
    }
}

@Suite struct CatalogProductTests {
    private let fields =
        #""name":"Pen","category":"office","company":"Acme","is_sold":false,"date_manufactured":"2024-02-29","cost":"1.5""#

    private func body(_ text: String) throws -> JSONObject {
        try #require(try JSONValue.parse(Array(text.utf8)).objectValue)
    }

    @Test("a v1 product stores the classic document plus price; its answer adds the stock")
    func document() throws {
        let product = try CatalogProduct(body: body(#"{"id":7,"# + fields + #","price":250,"stock":50}"#))
        #expect(product.price == 250 && product.stock == 50)
        #expect(product.document.hasSuffix(#""cost":"1.5","price":250}"#))
        let answer = CatalogProduct.answer(document: Array(product.document.utf8), stock: 50)
        #expect(String(decoding: answer, as: UTF8.self).hasSuffix(#""price":250,"stock":50}"#))
    }

    @Test("negative or fractional price and stock are named along with the classic fields")
    func invalid() throws {
        let body = try body(#"{"id":7,"name":"","price":-1,"stock":1.5}"#)
        let error = try #require(shopError { _ = try CatalogProduct(body: body) })
        #expect(error.status == 422)
        #expect(error.fields.map(\.name).contains("price") && error.fields.map(\.name).contains("stock"))
        #expect(error.fields.map(\.name).contains("name"))
    }

    @Test("a PUT takes the id from the path and refuses a body naming another")
    func pathID() throws {
        let product = try CatalogProduct(body: body("{" + fields + #","price":1,"stock":0}"#), pathID: 4)
        #expect(product.product.id == 4)
        let other = try body(#"{"id":5,"# + fields + #","price":1,"stock":0}"#)
        #expect(shopError { _ = try CatalogProduct(body: other, pathID: 4) }?.fields.map(\.name) == ["id"])
    }

    @Test("a page defaults to 20 after cursor 0, caps the limit at 100 and renders next_cursor")
    func page() throws {
        #expect(try Page(cursor: nil, limit: nil) == Page(cursor: 0, limit: 20))
        #expect(try Page(cursor: "17", limit: "100") == Page(cursor: 17, limit: 100))
        #expect(shopError { _ = try Page(cursor: "x", limit: "101") }?.fields.map(\.name) == ["cursor", "limit"])
        #expect(
            String(decoding: Page.answer(items: [Array("{}".utf8), Array("{}".utf8)], next: "3"), as: UTF8.self)
                == #"{"items":[{},{}],"next_cursor":"3"}"#)
        #expect(
            String(decoding: Page.answer(items: [], next: nil), as: UTF8.self) == #"{"items":[],"next_cursor":null}"#)
    }
}
