import JSON

/// The JSON object of a request body: the content type is checked (415), then the bytes parsed (400). Pure.
public enum RequestBody {
    /// Whether `contentType` names JSON: `application/json` or a `+json` type, with any parameters.
    public static func isJSON(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .trimmingSpaces().lowercased()
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    /// The body as a JSON object. Throws 415 when the content type is not JSON, 400 when the bytes are not
    /// a JSON object.
    public static func object(contentType: String?, bytes: [UInt8]) throws(ShopError) -> JSONObject {
        guard isJSON(contentType: contentType) else { throw ShopError.unsupportedMediaType(contentType) }
        guard !bytes.isEmpty else { throw ShopError.malformedJSON("the body is empty") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ShopError.malformedJSON(error.description)
        }
        guard case .object(let object) = value else {
            throw ShopError.malformedJSON("expected a JSON object, got \(value.summary)")
        }
        return object
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
