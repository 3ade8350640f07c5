import Core
import JSON

/// A product of the v1 catalog: the classic product plus `price` (integer cents) and `stock`. Pure.
///
/// The document at `product:{id}` is the classic one plus `price`, so the classic `/product` routes read
/// it as before; the stock lives apart at `stock:{id}` (an integer a purchase can `DECRBY` inside its
/// transaction) and is added to the answers.
public struct CatalogProduct: Sendable, Equatable {
    /// Largest accepted price, in cents: with at most 100 lines of at most a million units an order's
    /// total stays far from `Int.max`.
    public static let maximumPrice = 10_000_000_000
    /// Largest accepted stock.
    public static let maximumStock = 1_000_000_000_000

    /// The classic fields.
    public var product: Product
    /// The price of one unit, in cents.
    public var price: Int
    /// The units in stock; nil when a PATCH leaves it as it is.
    public var stock: Int?

    /// A product from its parts, already valid.
    public init(product: Product, price: Int, stock: Int?) {
        self.product = product
        self.price = price
        self.stock = stock
    }

    /// The product of a `POST` (`pathID` nil: `id` is required in the body) or a `PUT` (`pathID` the id in
    /// the path; the body's `id`, when present, must be the same). `stock` is required unless
    /// `isStockOptional` (a PATCH merged over the stored document, which has no stock). Throws a 422 naming
    /// every missing or invalid field.
    public init(body: JSONObject, pathID: Int? = nil, isStockOptional: Bool = false) throws(ShopError) {
        var body = body
        if let pathID {
            if let given = body["id"], given != .null {
                guard FieldValue.positiveInteger(given) == pathID else {
                    throw ShopError.validation([("id", "must be the id of the path (\(pathID))")])
                }
            }
            body["id"] = .integer(pathID)
        }
        var problems: [(name: String, problem: String)] = []
        var product: Product?
        do throws(ShopError) {
            product = try Product(body: body)
        } catch {
            problems = error.fields
        }
        var reader = FieldReader(body)
        let price = reader.read("price", CatalogProduct.priceExpectation, CatalogProduct.price)
        var stock: Int?
        if !isStockOptional || (body["stock"] ?? .null) != .null {
            stock = reader.read("stock", CatalogProduct.stockExpectation, CatalogProduct.stock)
        }
        problems += reader.problems
        guard problems.isEmpty, let product, let price else { throw ShopError.validation(problems) }
        self.init(product: product, price: price, stock: stock)
    }

    /// The stored document: the classic fields, then `price`.
    public var document: String {
        JSONValue.object(documentObject).compact
    }

    /// The stored document as an object.
    public var documentObject: JSONObject {
        let p = product
        return JSONObject([
            ("id", .integer(p.id)), ("name", .string(p.name)), ("category", .string(p.category)),
            ("company", .string(p.company)), ("is_sold", .bool(p.isSold)),
            ("date_manufactured", .string(p.dateManufactured)), ("cost", .string(p.cost)), ("price", .integer(price)),
        ])
    }

    /// The store key of the stock of product `id`.
    public static func stockKey(id: Int) -> String { "stock:" + String(id) }

    /// `stockKey(id:)` as bytes, for the store calls of a hot route.
    static func stockKeyBytes(id: Int) -> [UInt8] { StoreGateway.key("stock:", id) }

    /// The sorted set of every v1 product id (score = id).
    public static let indexKey = "products"

    /// The sorted set of the v1 product ids of `category` (score = id).
    public static func categoryIndexKey(_ category: String) -> String { "products:" + category }

    /// A price: a JSON integer from 0 to `maximumPrice` cents.
    public static func price(_ value: JSONValue) -> Int? {
        guard case .integer(let cents) = value, (0...maximumPrice).contains(cents) else { return nil }
        return cents
    }

    /// A stock: a JSON integer from 0 to `maximumStock`.
    public static func stock(_ value: JSONValue) -> Int? {
        guard case .integer(let units) = value, (0...maximumStock).contains(units) else { return nil }
        return units
    }

    /// A stored document followed by its stock, as the v1 routes answer: `{..., "stock": N}`. A missing
    /// stock (a product only the classic routes wrote) is 0. Works on bytes: no parsing.
    public static func answer(document: [UInt8], stock: Int?) -> [UInt8] {
        var bytes = document
        guard bytes.last == UInt8(ascii: "}") else { return bytes }
        bytes.removeLast()
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes += Array(#""stock":"#.utf8) + Array(String(stock ?? 0).utf8)
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// `answer(document:stock:)` written straight into a body buffer: one allocation of the final size instead
    /// of a copy of the document, two growths and a copy into the response (the `GET /v1/products/{id}` path).
    public static func answerBody(document: [UInt8], stock: Int?) -> ByteBuffer {
        let stockField: StaticString = #""stock":"#
        var body = ByteBuffer(capacity: document.count + stockField.utf8CodeUnitCount + 22)
        guard document.last == UInt8(ascii: "}") else {
            body.writeBytes(document)
            return body
        }
        document.withUnsafeBytes { bytes in
            body.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 1)]))
        }
        if document.count > 2 { body.writeByte(UInt8(ascii: ",")) }
        body.writeBytes(UnsafeRawBufferPointer(start: stockField.utf8Start, count: stockField.utf8CodeUnitCount))
        body.writeDecimal(stock ?? 0)
        body.writeByte(UInt8(ascii: "}"))
        return body
    }

    static let priceExpectation = "must be an integer number of cents from 0 to \(maximumPrice)"
    static let stockExpectation = "must be an integer from 0 to \(maximumStock)"
}
