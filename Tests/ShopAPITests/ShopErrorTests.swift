import JSON
import Testing

@testable import ShopAPI

@Suite struct ShopErrorTests {
    @Test("an error renders as {error: {code, message}} without fields when none is named")
    func withoutFields() throws {
        let json = ShopError.notFound("user a@b.co").json
        #expect(json == #"{"error":{"code":"not_found","message":"user a@b.co not found"}}"# + "\n")
    }

    @Test("a validation error names each field with what is wrong, in order")
    func withFields() throws {
        let error = ShopError.validation([("id", "is required"), ("cost", "must be a number")])
        #expect(error.status == 422)
        let parsed = try JSONValue.parse(Array(error.json.utf8))
        let fields = parsed.objectValue?["error"]?.objectValue?["fields"]?.objectValue
        #expect(fields?.keys == ["id", "cost"])
        #expect(fields?["cost"] == .string("must be a number"))
    }

    @Test("messages with quotes and newlines stay valid JSON")
    func escaping() throws {
        let json = ShopError.malformedJSON("bad \"quote\"\nline").json
        #expect(throws: Never.self) { try JSONValue.parse(Array(json.utf8)) }
    }

    @Test("errors the HTTP server gives by itself get a code from their status")
    func serverErrors() {
        #expect(ShopError.server(status: 405, message: "m").code == "method_not_allowed")
        #expect(ShopError.server(status: 413, message: "m").code == "body_too_large")
        #expect(ShopError.server(status: 404, message: "m").code == "not_found")
    }

    @Test("a 503 answer says Retry-After: 1")
    func retryAfter() {
        let response = ShopError.storeUnavailable.response
        #expect(response.status.code == 503)
        #expect(response.headers.first(name: "Retry-After") == "1")
        #expect(response.headers.first(name: "Content-Type") == "application/json")
    }

    @Test("a body that is not declared JSON is 415; one that is not a JSON object is 400")
    func requestBodies() throws {
        #expect(throws: ShopError.unsupportedMediaType("text/plain")) {
            try RequestBody.object(contentType: "text/plain", bytes: Array("{}".utf8))
        }
        #expect(throws: ShopError.unsupportedMediaType(nil)) { try RequestBody.object(contentType: nil, bytes: []) }
        let error = try #require(
            shopError { _ = try RequestBody.object(contentType: "application/json", bytes: Array("[1]".utf8)) })
        #expect(error.status == 400 && error.code == "malformed_json")
        #expect(
            try RequestBody.object(contentType: "Application/JSON; charset=utf-8", bytes: Array("{}".utf8)).keys == [])
        #expect(RequestBody.isJSON(contentType: "application/problem+json"))
    }
}
