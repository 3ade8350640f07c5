import Core
import Testing

@testable import ShopAPI

@Suite struct CatalogProductBytesTests {
    @Test("the answer written into a body buffer is the same bytes as the array answer")
    func answerBody() {
        let documents = [#"{"id":1,"name":"Pen","price":101}"#, "{}", "[1]", ""]
        for document in documents {
            for stock in [nil, 0, 7, 1_000_000_000, -3] {
                let bytes = Array(document.utf8)
                let body = CatalogProduct.answerBody(document: bytes, stock: stock)
                #expect(Array(body.readableView) == CatalogProduct.answer(document: bytes, stock: stock))
            }
        }
    }

    @Test("the byte keys of the hot routes spell the String keys")
    func byteKeys() {
        for id in [0, 1, 9, 10, 42, 1000, Int.max, -5, Int.min] {
            #expect(Product.storageKeyBytes(id: id) == Array(Product.storageKey(id: id).utf8))
            #expect(CatalogProduct.stockKeyBytes(id: id) == Array(CatalogProduct.stockKey(id: id).utf8))
        }
    }
}
