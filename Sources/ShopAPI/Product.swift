import JSON

/// A product of the classic routes: `{id, name, category, company, is_sold, date_manufactured, cost}`,
/// stored as this JSON document at `product:{id}`. Pure.
///
/// Values arrive as strings or numbers; the document holds them typed: `id` an integer, `is_sold` a
/// boolean, `date_manufactured` a `YYYY-MM-DD` string and `cost` a normalised decimal string (`"12.5"`), so
/// no amount is rounded through a binary floating-point number.
public struct Product: Sendable, Equatable {
    /// The identifier, 1 or more.
    public var id: Int
    /// The name.
    public var name: String
    /// The category.
    public var category: String
    /// The company that makes it.
    public var company: String
    /// Whether it has been sold.
    public var isSold: Bool
    /// The day it was made, `YYYY-MM-DD`.
    public var dateManufactured: String
    /// What it cost, a plain decimal of 0 or more (`"12.5"`).
    public var cost: String

    /// A product from its fields, already valid.
    public init(
        id: Int, name: String, category: String, company: String, isSold: Bool, dateManufactured: String, cost: String
    ) {
        self.id = id
        self.name = name
        self.category = category
        self.company = company
        self.isSold = isSold
        self.dateManufactured = dateManufactured
        self.cost = cost
    }

    /// The product of a `POST|PUT /product` body; throws a 422 naming every missing or invalid field.
    public init(body: JSONObject) throws(ShopError) {
        var reader = FieldReader(body)
        let id = reader.read("id", Product.idExpectation, FieldValue.positiveInteger)
        let name = reader.read("name", User.textExpectation, FieldValue.text)
        let category = reader.read("category", User.textExpectation, FieldValue.text)
        let company = reader.read("company", User.textExpectation, FieldValue.text)
        let isSold = reader.read(
            "is_sold", "must be true or false (or \"true\", \"false\", \"1\", \"0\")", FieldValue.flag)
        let date = reader.read("date_manufactured", "must be a date YYYY-MM-DD", FieldValue.calendarDate)
        let cost = reader.read("cost", "must be a number of 0 or more (or a decimal string)", FieldValue.decimal)
        try reader.finish()
        self.init(
            id: id!, name: name!, category: category!, company: company!, isSold: isSold!, dateManufactured: date!,
            cost: cost!)
    }

    /// The id of a `DELETE /product` body; throws a 422 when it is missing or invalid.
    public static func id(body: JSONObject) throws(ShopError) -> Int {
        var reader = FieldReader(body)
        let id = reader.read("id", Product.idExpectation, FieldValue.positiveInteger)
        try reader.finish()
        return id!
    }

    /// The id of `GET /product?id=<id>`; throws a 422 naming `id` when it is missing or invalid.
    public static func id(query: String?) throws(ShopError) -> Int {
        guard let query else { throw ShopError.validation([("id", "is required")]) }
        guard let id = FieldValue.positiveInteger(query) else { throw ShopError.validation([("id", idExpectation)]) }
        return id
    }

    /// The store key of the product `id`.
    public static func storageKey(id: Int) -> String { "product:" + String(id) }

    /// `storageKey(id:)` as bytes, for the store calls of a hot route.
    static func storageKeyBytes(id: Int) -> [UInt8] { StoreGateway.key("product:", id) }

    /// The store key of this product.
    public var storageKey: String { Product.storageKey(id: id) }

    /// The JSON document: what is stored and what the API answers.
    public var json: String {
        JSONValue.object(
            JSONObject([
                ("id", .integer(id)), ("name", .string(name)), ("category", .string(category)),
                ("company", .string(company)), ("is_sold", .bool(isSold)),
                ("date_manufactured", .string(dateManufactured)), ("cost", .string(cost)),
            ])
        ).compact
    }

    static let idExpectation = "must be a positive integer (or a string of digits)"
}
