import RESP
import Testing

@testable import ShopAPI

@Suite struct PurchaseDecisionTests {
    private let two = PurchaseRequest(
        lines: [PurchaseLine(productID: 7, quantity: 2), PurchaseLine(productID: 9, quantity: 1)])

    private func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }
    private func product(_ id: Int, price: Int) -> RESPValue {
        bulk(
            #"{"id":\#(id),"name":"P","category":"c","company":"A","is_sold":false,"#
                + #""date_manufactured":"2024-01-01","cost":"1","price":\#(price)}"#)
    }
    private func decide(_ reads: [RESPValue], hasKey: Bool = false) -> PurchaseDecision {
        PurchaseDecision.decide(
            request: two, email: "a@b.co", orderID: 12, createdAt: 100, hasKey: hasKey, reads: reads)
    }

    @Test("enough stock of every line commits an order with unit prices and the total")
    func commit() {
        let decision = decide([bulk("5"), bulk("1"), product(7, price: 250), product(9, price: 1000)])
        let order = Order(
            id: 12, email: "a@b.co",
            lines: [
                Order.Line(productID: 7, quantity: 2, unitPrice: 250),
                Order.Line(productID: 9, quantity: 1, unitPrice: 1000),
            ], createdAt: 100)
        #expect(decision == .commit(order))
        #expect(order.total == 1500 && order.units == 3)
    }

    @Test("a short line is named with what is left, and nothing commits; a missing stock counts as 0")
    func insufficient() {
        #expect(
            decide([bulk("1"), .null, product(7, price: 250), product(9, price: 1)])
                == .insufficient([.init(index: 0, left: 1), .init(index: 1, left: 0)]))
    }

    @Test("an unknown product is a 404 of its line, a product without price is not for sale")
    func unknownAndUnpriced() {
        #expect(decide([bulk("5"), bulk("5"), product(7, price: 1), .null]) == .unknownProduct(index: 1, productID: 9))
        let classic = bulk(#"{"id":7,"name":"P"}"#)
        #expect(decide([bulk("5"), bulk("5"), classic, product(9, price: 1)]) == .notForSale(index: 0, productID: 7))
    }

    @Test("an idempotency record of the same items replays its order; of other items it is refused")
    func idempotency() {
        let reads = [bulk("0"), bulk("0"), product(7, price: 1), product(9, price: 1)]
        #expect(decide(reads + [bulk("4 7x2,9x1")], hasKey: true) == .replay(orderID: 4))
        #expect(decide(reads + [bulk("4 7x1")], hasKey: true) == .keyReused)
        #expect(
            decide(reads + [.null], hasKey: true)
                == .insufficient([.init(index: 0, left: 0), .init(index: 1, left: 0)]))
    }

    @Test("replies of the wrong count or type are unreadable, not guessed")
    func unreadable() {
        if case .unreadable = decide([bulk("5")]) {} else { Issue.record("short reply accepted") }
        if case .unreadable = decide([bulk("x"), bulk("5"), product(7, price: 1), product(9, price: 1)]) {
        } else {
            Issue.record("non-numeric stock accepted")
        }
    }

    @Test("the writes decrement each stock, record the order, append it to the user's list and keep the key a day")
    func writes() {
        let order = Order(
            id: 12, email: "a@b.co", lines: [Order.Line(productID: 7, quantity: 2, unitPrice: 250)], createdAt: 100)
        let single = PurchaseRequest(lines: [PurchaseLine(productID: 7, quantity: 2)])
        #expect(
            PurchaseDecision.writes(order: order, request: single, idempotencyKey: "idem:a@b.co:k") == [
                ["DECRBY", "stock:7", "2"], ["SET", "order:12", order.json], ["RPUSH", "orders:a@b.co", "12"],
                ["SET", "idem:a@b.co:k", "12 7x2", "EX", "86400"],
            ])
        #expect(
            PurchaseDecision.readKeys(request: two, idempotencyKey: nil) == [
                "stock:7", "stock:9", "product:7", "product:9",
            ])
    }
}
