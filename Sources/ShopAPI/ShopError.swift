import JSON

/// An answer that is not a success: an HTTP status, a stable machine-readable code, a message for people
/// and, for validation problems, what is wrong with each named field.
///
/// Renders as `{"error": {"code": "...", "message": "...", "fields": {"name": "what is wrong"}}}`; `fields`
/// is present only when some field is named. Pure: the status is a plain number so this file needs no
/// HTTP types (`ShopError+HTTPResponse` turns it into a response).
public struct ShopError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code (400, 404, 409, 413, 415, 422, 503, ...).
    public var status: Int
    /// A stable code clients can switch on (`not_found`, `validation_failed`, `store_unavailable`, ...).
    public var code: String
    /// A sentence for people.
    public var message: String
    /// Field name to what is wrong with it, in the order the problems were found.
    public var fields: [(name: String, problem: String)]
    /// For a 503, when the client may retry, in seconds (`Retry-After`); nil means 1.
    public var retryAfterSeconds: Int? = nil

    /// An error with `status`, `code`, `message` and optionally the problem of each field.
    public init(status: Int, code: String, message: String, fields: [(name: String, problem: String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
    }

    public var description: String { "\(status) \(code): \(message)" }

    public static func == (lhs: ShopError, rhs: ShopError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message
            && lhs.fields.map(\.name) == rhs.fields.map(\.name)
            && lhs.fields.map(\.problem) == rhs.fields.map(\.problem) && lhs.retryAfterSeconds == rhs.retryAfterSeconds
    }

    /// The error as its JSON document (one line, with a trailing newline).
    public var json: String {
        var error = JSONObject()
        error["code"] = .string(code)
        error["message"] = .string(message)
        if !fields.isEmpty {
            var named = JSONObject()
            for (name, problem) in fields { named[name] = .string(problem) }
            error["fields"] = .object(named)
        }
        var document = JSONObject()
        document["error"] = .object(error)
        return JSONValue.object(document).compact + "\n"
    }

    // MARK: - The errors the API gives

    /// 400: the body is not JSON (or not the JSON object a route expects).
    public static func malformedJSON(_ reason: String) -> ShopError {
        ShopError(status: 400, code: "malformed_json", message: "unable to parse the body: \(reason)")
    }

    /// 415: the body is not declared `application/json`.
    public static func unsupportedMediaType(_ contentType: String?) -> ShopError {
        ShopError(
            status: 415, code: "unsupported_media_type",
            message: "unable to read the body: expected Content-Type application/json, got "
                + (contentType.map { "'\($0)'" } ?? "none"))
    }

    /// 422: the values of these fields are missing or wrong.
    public static func validation(_ fields: [(name: String, problem: String)]) -> ShopError {
        let names = fields.map(\.name).joined(separator: ", ")
        return ShopError(
            status: 422, code: "validation_failed", message: "unable to accept the request: invalid \(names)",
            fields: fields)
    }

    /// 404: no such resource.
    public static func notFound(_ what: String) -> ShopError {
        ShopError(status: 404, code: "not_found", message: "\(what) not found")
    }

    /// 409: the resource already exists.
    public static func conflict(_ what: String) -> ShopError {
        ShopError(status: 409, code: "already_exists", message: "\(what) already exists")
    }

    /// 503: the store did not answer in time (or could not be reached). The reason is logged, not sent:
    /// clients need not learn the store's address.
    public static let storeUnavailable = ShopError(
        status: 503, code: "store_unavailable", message: "unable to reach the store: retry later")

    /// 503 at once: the loop's circuit breaker is open (the store failed repeatedly), so the call was not
    /// even tried; the client may retry after `retryAfter` seconds.
    public static func storeCircuitOpen(retryAfter: Int) -> ShopError {
        var error = storeUnavailable
        error.retryAfterSeconds = retryAfter
        return error
    }

    /// 500: the store answered something the API cannot use (the detail goes to the log).
    public static let internalError = ShopError(
        status: 500, code: "internal_error", message: "unable to complete the request: unexpected store reply")

    /// The error for an answer the HTTP server gives by itself (unknown route, wrong method, body too
    /// large, timeouts, malformed HTTP): the same shape, with a code derived from the status.
    public static func server(status: Int, message: String) -> ShopError {
        let code: String
        switch status {
        case 400: code = "bad_request"
        case 404: code = "not_found"
        case 405: code = "method_not_allowed"
        case 408: code = "request_timeout"
        case 413: code = "body_too_large"
        case 414: code = "uri_too_long"
        case 431: code = "headers_too_large"
        case 503: code = "unavailable"
        default: code = status >= 500 ? "internal_error" : "bad_request"
        }
        return ShopError(status: status, code: code, message: message)
    }
}
