import JSON
import Testing

@testable import ShopAPI

@Suite struct ProductTests {
    private func body(_ text: String) throws -> JSONObject {
        try #require(try JSONValue.parse(Array(text.utf8)).objectValue)
    }

    @Test("a body of strings, as classic clients send it, becomes a typed document")
    func stringsBody() throws {
        let product = try Product(
            body: body(
                #"{"id":"7","name":"Pen","category":"office","company":"Acme","is_sold":"False","#
                    + #""date_manufactured":"2024-02-29","cost":"012.50"}"#))
        #expect(product.id == 7 && product.isSold == false && product.cost == "12.5")
        #expect(
            product.json
                == #"{"id":7,"name":"Pen","category":"office","company":"Acme","is_sold":false,"#
                + #""date_manufactured":"2024-02-29","cost":"12.5"}"#)
        #expect(product.storageKey == "product:7")
    }

    @Test("a body of numbers and booleans is accepted the same way")
    func typedBody() throws {
        let product = try Product(
            body: body(
                #"{"id":7,"name":"Pen","category":"office","company":"Acme","is_sold":true,"#
                    + #""date_manufactured":"2024-01-31","cost":3}"#))
        #expect(product.isSold && product.cost == "3" && product.id == 7)
    }

    @Test("a body with every field wrong names all seven in order")
    func everyFieldWrong() throws {
        let body = try body(
            #"{"id":1.5,"name":"","category":{},"company":null,"is_sold":"maybe","#
                + #""date_manufactured":"2023-02-29","cost":-1}"#)
        let error = try #require(shopError { _ = try Product(body: body) })
        #expect(error.status == 422)
        #expect(
            error.fields.map(\.name) == ["id", "name", "category", "company", "is_sold", "date_manufactured", "cost"])
        #expect(error.fields.first { $0.name == "company" }?.problem == "is required")
    }

    @Test("the id of GET and DELETE must be a positive integer or a string of digits")
    func ids() throws {
        #expect(try Product.id(query: "42") == 42)
        #expect(try Product.id(body: body(#"{"id":"42"}"#)) == 42)
        #expect(try Product.id(body: body(#"{"id":42}"#)) == 42)
        for bad in ["0", "-1", "+1", "1.0", "abc", "", "99999999999999999999"] {
            #expect(throws: ShopError.self) { try Product.id(query: bad) }
        }
        #expect(throws: ShopError.validation([("id", "is required")])) { try Product.id(query: nil) }
        #expect(throws: ShopError.self) { try Product.id(body: body(#"{"id":true}"#)) }
    }
}
