import JSON

/// The OpenAPI 3.0.3 document `GET /openapi.json` answers: every route the server registers, with its
/// parameters, bodies, answers and errors. Pure.
///
/// Written as JSON text (this file holds the paths, `OpenAPIDocument+Components` the schemas), with every
/// limit interpolated from the constant the validation uses, so the two cannot drift apart. It is parsed once
/// (a syntax error traps at startup, and in the unit tests), then every operation gets the `X-Request-ID`
/// parameter and every answer the `X-Request-ID` header, and it is rendered to the bytes the route sends.
/// `OpenAPIDocumentTests` checks that its operations are exactly the router's routes.
enum OpenAPIDocument {
    /// The document as it is answered, rendered once.
    static let bytes: [UInt8] = Array(value.compact.utf8)

    /// The document as a value.
    static let value: JSONValue = {
        let text =
            "{" + header + #""paths": {"# + paths + #"}, "components": {"schemas": {"# + textSchemas
            + requestSchemas + answerSchemas + "}, " + sharedComponents + "}}"
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(Array(text.utf8))
        } catch {
            let line = (error as? JSONParser.SyntaxError).map { text.split(separator: "\n")[$0.line - 1] } ?? ""
            preconditionFailure("the OpenAPI document is not valid JSON: \(error): \(line)")
        }
        return withRequestIDs(parsed)
    }()

    /// The methods and templates of every operation, as `GET /v1/products/{id}`.
    static var operations: [String] {
        guard case .object(let paths)? = value.objectValue?["paths"] else { return [] }
        return paths.members.flatMap { path in
            (path.value.objectValue?.keys ?? []).filter { $0 != "parameters" }.map { "\($0.uppercased()) \(path.key)" }
        }
    }

    /// `document` with the `X-Request-ID` parameter on every operation and the header on every answer.
    private static func withRequestIDs(_ document: JSONValue) -> JSONValue {
        guard case .object(var root) = document, case .object(var paths)? = root["paths"],
            case .object(var components)? = root["components"], case .object(var responses)? = components["responses"]
        else { preconditionFailure("the OpenAPI document has no paths or responses") }
        let parameter = JSONValue.object(JSONObject([("$ref", .string("#/components/parameters/RequestID"))]))
        let header = JSONValue.object(JSONObject([("$ref", .string("#/components/headers/X-Request-ID"))]))
        func tagged(_ response: JSONValue) -> JSONValue {
            guard case .object(var object) = response, object["$ref"] == nil else { return response }
            var headers = object["headers"]?.objectValue ?? JSONObject()
            headers["X-Request-ID"] = header
            object["headers"] = .object(headers)
            return .object(object)
        }
        for (name, response) in responses.members { responses[name] = tagged(response) }
        for (template, item) in paths.members {
            guard case .object(var operations) = item else { continue }
            for (method, operation) in operations.members {
                guard case .object(var object) = operation else { continue }
                object["parameters"] = .array([parameter] + (object["parameters"]?.arrayValue ?? []))
                if case .object(var answers)? = object["responses"] {
                    for (status, answer) in answers.members { answers[status] = tagged(answer) }
                    object["responses"] = .object(answers)
                }
                operations[method] = .object(object)
            }
            paths[template] = .object(operations)
        }
        components["responses"] = .object(responses)
        root["components"] = .object(components)
        root["paths"] = .object(paths)
        return .object(root)
    }

    private static let header = #"""
        "openapi": "3.0.3",
        "info": {
          "title": "Evergreen shop API",
          "version": "1",
          "description": "Users, sessions, products and purchases that never oversell and never double-charge. Bodies are application/json (or application/*+json, else 415), at most 64 KiB (413); a body that is not a JSON object is 400; unknown members are ignored. Every error is {\"error\": {\"code\", \"message\", \"fields\"?}}; a path with another method is 405 with Allow, an unknown path 404. See docs/api.md."
        },
        "security": [],
        """#
}
