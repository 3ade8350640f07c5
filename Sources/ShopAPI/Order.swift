import JSON

/// A recorded purchase, stored as its JSON document at `order:{id}` and listed in `orders:{email}`. Pure.
///
/// `{"id":12,"user":"ann@example.com","items":[{"product_id":7,"quantity":2,"unit_price":250,"amount":500}],
/// "total":500,"created_at":1767225600}`: prices and amounts in integer cents, the unit price as it was when
/// the order was placed.
public struct Order: Sendable, Equatable {
    /// One line of an order.
    public struct Line: Sendable, Equatable {
        public var productID: Int
        public var quantity: Int
        /// The product's price when bought, in cents.
        public var unitPrice: Int

        public init(productID: Int, quantity: Int, unitPrice: Int) {
            self.productID = productID
            self.quantity = quantity
            self.unitPrice = unitPrice
        }

        /// `quantity * unitPrice`.
        public var amount: Int { quantity * unitPrice }
    }

    /// The order id (from `INCR order:next`).
    public var id: Int
    /// The buyer's email.
    public var email: String
    /// The lines, in the order the client sent them.
    public var lines: [Line]
    /// Seconds since 1970 when it was placed.
    public var createdAt: Int

    public init(id: Int, email: String, lines: [Line], createdAt: Int) {
        self.id = id
        self.email = email
        self.lines = lines
        self.createdAt = createdAt
    }

    /// The sum of the lines' amounts, in cents.
    public var total: Int { lines.reduce(0) { $0 + $1.amount } }

    /// Units over all lines.
    public var units: Int { lines.reduce(0) { $0 + $1.quantity } }

    /// The JSON document: what is stored and answered.
    public var json: String {
        let items = lines.map { line in
            JSONValue.object(
                JSONObject([
                    ("product_id", .integer(line.productID)), ("quantity", .integer(line.quantity)),
                    ("unit_price", .integer(line.unitPrice)), ("amount", .integer(line.amount)),
                ]))
        }
        return JSONValue.object(
            JSONObject([
                ("id", .integer(id)), ("user", .string(email)), ("items", .array(items)), ("total", .integer(total)),
                ("created_at", .integer(createdAt)),
            ])
        ).compact
    }

    /// The store key of order `id`.
    public static func storageKey(id: Int) -> String { "order:" + String(id) }
    /// The counter `INCR` takes order ids from.
    public static let counterKey = "order:next"
    /// The list of a user's order ids, oldest first (`RPUSH`).
    public static func listKey(email: String) -> String { "orders:" + email }
    /// The record of a purchase made with `Idempotency-Key: key`: `"<order id> <fingerprint>"`.
    public static func idempotencyKey(email: String, key: String) -> String { "idem:\(email):\(key)" }

    /// A stored document with `"replicated": <flag>` added at its end, as a purchase answers. Bytes only.
    public static func answer(document: [UInt8], isReplicated: Bool) -> [UInt8] {
        var bytes = document
        guard bytes.last == UInt8(ascii: "}") else { return bytes }
        bytes.removeLast()
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes += Array((isReplicated ? #""replicated":true}"# : #""replicated":false}"#).utf8)
        return bytes
    }

    /// The owner (`user`) of a stored order document, or nil when it is not one.
    public static func owner(ofDocument document: [UInt8]) -> String? {
        guard let value = try? JSONValue.parse(document), case .object(let object) = value,
            case .string(let email) = object["user"]
        else { return nil }
        return email
    }
}
