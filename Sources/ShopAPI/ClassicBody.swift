import HTTP
import JSON

/// Request and answer bodies shared by the classic routes.
enum ClassicBody {
    /// The request's body as a JSON object (415 when not declared JSON, 400 when not a JSON object).
    static func object(of request: HTTPRequest) throws(ShopError) -> JSONObject {
        try RequestBody.object(
            contentType: request.headers.first(name: "Content-Type"), bytes: request.body.readableBytesArray)
    }

    /// The answer to a delete: `{"deleted": {"<key>": <value>}}`.
    static func deleted(_ key: String, _ value: JSONValue) -> String {
        JSONValue.object(JSONObject([("deleted", .object(JSONObject([(key, value)])))])).compact
    }
}
