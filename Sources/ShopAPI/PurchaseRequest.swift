import JSON

/// One line of a purchase: a product and how many units.
public struct PurchaseLine: Sendable, Equatable {
    /// The product's id.
    public var productID: Int
    /// Units bought, 1 or more.
    public var quantity: Int

    public init(productID: Int, quantity: Int) {
        self.productID = productID
        self.quantity = quantity
    }
}

/// The body of `POST /v1/purchases`: `{"items": [{"product_id": 7, "quantity": 2}, ...]}`. Pure.
///
/// At least one and at most `maximumLines` lines; each product at most once (a repeated product is refused,
/// not merged, so the `items[i]` a 409 names is the line the client wrote); quantities from 1 to
/// `maximumQuantity`.
public struct PurchaseRequest: Sendable, Equatable {
    /// Most lines in one purchase.
    public static let maximumLines = 100
    /// Most units of one line.
    public static let maximumQuantity = 1_000_000
    /// Longest `Idempotency-Key`.
    public static let maximumKeyLength = 128

    /// The lines, in the order the client sent them.
    public var lines: [PurchaseLine]

    public init(lines: [PurchaseLine]) {
        self.lines = lines
    }

    /// The purchase of a request body; throws a 422 naming every bad field (`items`, `items[1].quantity`).
    public init(body: JSONObject) throws(ShopError) {
        guard let items = body["items"], items != .null else { throw ShopError.validation([("items", "is required")]) }
        guard case .array(let entries) = items, !entries.isEmpty, entries.count <= PurchaseRequest.maximumLines else {
            throw ShopError.validation([
                ("items", "must be an array of 1 to \(PurchaseRequest.maximumLines) {product_id, quantity} objects")
            ])
        }
        var problems: [(name: String, problem: String)] = []
        var lines: [PurchaseLine] = []
        var firstLine: [Int: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let name = "items[\(index)]"
            guard case .object(let object) = entry else {
                problems.append((name, "must be an object {product_id, quantity}"))
                continue
            }
            var reader = FieldReader(object)
            let id = reader.read("product_id", Product.idExpectation, FieldValue.positiveInteger)
            let quantity = reader.read("quantity", PurchaseRequest.quantityExpectation, PurchaseRequest.quantity)
            problems += reader.problems.map { ("\(name).\($0.name)", $0.problem) }
            guard let id, let quantity else { continue }
            if let first = firstLine[id] {
                problems.append(("\(name).product_id", "repeats items[\(first)]: give each product one line"))
                continue
            }
            firstLine[id] = index
            lines.append(PurchaseLine(productID: id, quantity: quantity))
        }
        if !problems.isEmpty { throw ShopError.validation(problems) }
        self.init(lines: lines)
    }

    /// A quantity: a JSON integer from 1 to `maximumQuantity`.
    public static func quantity(_ value: JSONValue) -> Int? {
        guard case .integer(let units) = value, (1...maximumQuantity).contains(units) else { return nil }
        return units
    }

    /// What identifies the purchase's content for `Idempotency-Key`: `7x2,9x1`, in the lines' order.
    public var fingerprint: String {
        lines.map { "\($0.productID)x\($0.quantity)" }.joined(separator: ",")
    }

    /// The `Idempotency-Key` header's value: nil when absent; a 422 unless 1 to `maximumKeyLength` of
    /// letters, digits and `-_.:`.
    public static func idempotencyKey(_ header: String?) throws(ShopError) -> String? {
        guard let header else { return nil }
        let isAllowed: (UInt8) -> Bool = { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
        }
        guard (1...maximumKeyLength).contains(header.utf8.count), header.utf8.allSatisfy(isAllowed) else {
            throw ShopError.validation([
                ("Idempotency-Key", "must be 1 to \(maximumKeyLength) letters, digits, '-', '_', '.' or ':'")
            ])
        }
        return header
    }

    static let quantityExpectation = "must be an integer from 1 to \(maximumQuantity)"
}
