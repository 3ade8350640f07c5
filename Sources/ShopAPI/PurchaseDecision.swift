import JSON
import RESP

/// What a purchase does once its transaction has read the watched keys: a pure function of the request and
/// the store's replies, so every branch is tested without a store.
///
/// The reads are one `MGET stock:{id}... product:{id}... [idem:{email}:{key}]`, in the lines' order.
public enum PurchaseDecision: Equatable {
    /// One line the stock cannot serve: its index in `items` and the units left.
    public struct Shortage: Sendable, Equatable {
        public var index: Int
        public var left: Int

        public init(index: Int, left: Int) {
            self.index = index
            self.left = left
        }
    }

    /// The idempotency key was used for this very purchase: answer order `orderID` again, change nothing.
    case replay(orderID: Int)
    /// The idempotency key was used for a different purchase.
    case keyReused
    /// `items[index]` names no product.
    case unknownProduct(index: Int, productID: Int)
    /// `items[index]`'s product has no price (only the classic routes wrote it).
    case notForSale(index: Int, productID: Int)
    /// These lines ask for more than is left: nothing is written.
    case insufficient([Shortage])
    /// Every line can be served: record `order`, decrementing each line's stock.
    case commit(Order)
    /// A reply the purchase cannot read (a bug or a foreign value at our keys).
    case unreadable(String)

    /// The decision for `request` by `email` as order `orderID` at `createdAt`, from the `MGET` reply's
    /// values (`reads`, laid out as above; the idempotency record last when `hasKey`).
    public static func decide(
        request: PurchaseRequest, email: String, orderID: Int, createdAt: Int, hasKey: Bool, reads: [RESPValue]
    ) -> PurchaseDecision {
        let count = request.lines.count
        guard reads.count == 2 * count + (hasKey ? 1 : 0) else {
            return .unreadable("expected \(2 * count + (hasKey ? 1 : 0)) values, got \(reads.count)")
        }
        if hasKey {
            switch reads[2 * count] {
            case .null: break
            case .bulkString(let record):
                let parts = String(decoding: record, as: UTF8.self).split(separator: " ", maxSplits: 1)
                guard parts.count == 2, let id = Int(parts[0]) else { return .unreadable("idempotency record") }
                return parts[1] == request.fingerprint ? .replay(orderID: id) : .keyReused
            default: return .unreadable("idempotency record")
            }
        }
        var lines: [Order.Line] = []
        var shortages: [Shortage] = []
        for (index, line) in request.lines.enumerated() {
            guard case .bulkString(let document) = reads[count + index] else {
                if reads[count + index] == .null { return .unknownProduct(index: index, productID: line.productID) }
                return .unreadable("product \(line.productID)")
            }
            guard let value = try? JSONValue.parse(document), case .object(let object) = value else {
                return .unreadable("product \(line.productID)")
            }
            guard case .integer(let price) = object["price"] else {
                return .notForSale(index: index, productID: line.productID)
            }
            let stock: Int
            switch reads[index] {
            case .null: stock = 0
            case .bulkString(let digits):
                guard let units = Int(String(decoding: digits, as: UTF8.self)) else {
                    return .unreadable("stock \(line.productID)")
                }
                stock = units
            default: return .unreadable("stock \(line.productID)")
            }
            if stock < line.quantity { shortages.append(Shortage(index: index, left: max(0, stock))) }
            lines.append(Order.Line(productID: line.productID, quantity: line.quantity, unitPrice: price))
        }
        if !shortages.isEmpty { return .insufficient(shortages) }
        return .commit(Order(id: orderID, email: email, lines: lines, createdAt: createdAt))
    }

    /// The keys a purchase watches and reads, in the `MGET`'s order.
    public static func readKeys(request: PurchaseRequest, idempotencyKey: String?) -> [String] {
        request.lines.map { CatalogProduct.stockKey(id: $0.productID) }
            + request.lines.map { Product.storageKey(id: $0.productID) } + (idempotencyKey.map { [$0] } ?? [])
    }

    /// The commands queued between MULTI and EXEC to record `order` (and its idempotency record, kept
    /// `recordSeconds`).
    public static func writes(
        order: Order, request: PurchaseRequest, idempotencyKey: String?, recordSeconds: Int = 86_400
    ) -> [[String]] {
        var commands = order.lines.map { ["DECRBY", CatalogProduct.stockKey(id: $0.productID), String($0.quantity)] }
        commands.append(["SET", Order.storageKey(id: order.id), order.json])
        commands.append(["RPUSH", Order.listKey(email: order.email), String(order.id)])
        if let idempotencyKey {
            commands.append(["SET", idempotencyKey, "\(order.id) \(request.fingerprint)", "EX", String(recordSeconds)])
        }
        return commands
    }
}
