import HTTP

/// A page of a listing: `cursor` (the last id the previous page ended with, 0 for the first page) and
/// `limit` (1 to 100, default 20), from the query; and the answer `{"items": [...], "next_cursor": "17"}`
/// (`null` on the last page). Pure.
struct Page: Equatable {
    static let maximumLimit = 100
    static let defaultLimit = 20

    var cursor: Int
    var limit: Int

    init(cursor: Int, limit: Int) {
        self.cursor = cursor
        self.limit = limit
    }

    /// The page `request`'s query asks for; a 422 naming `cursor` or `limit` when malformed.
    init(_ request: HTTPRequest) throws(ShopError) {
        try self.init(cursor: request.queryParameter("cursor"), limit: request.queryParameter("limit"))
    }

    /// The page of these query values (nil: absent).
    init(cursor: String?, limit: String?) throws(ShopError) {
        var problems: [(name: String, problem: String)] = []
        self.cursor = 0
        self.limit = Page.defaultLimit
        if let cursor, !cursor.isEmpty {
            if let value = FieldValue.positiveInteger(cursor) {
                self.cursor = value
            } else if cursor != "0" {
                problems.append(("cursor", "must be the next_cursor of the previous page"))
            }
        }
        if let limit {
            if let value = FieldValue.positiveInteger(limit), value <= Page.maximumLimit {
                self.limit = value
            } else {
                problems.append(("limit", "must be an integer from 1 to \(Page.maximumLimit)"))
            }
        }
        if !problems.isEmpty { throw ShopError.validation(problems) }
    }

    /// `{"items":[<item>,...],"next_cursor":"<next>"|null}`, the items being JSON documents in bytes.
    static func answer(items: [[UInt8]], next: String?) -> [UInt8] {
        var bytes = Array(#"{"items":["#.utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += item
        }
        bytes += Array(#"],"next_cursor":"#.utf8)
        bytes += next.map { Array("\"\($0)\"".utf8) } ?? Array("null".utf8)
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
