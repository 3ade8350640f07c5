/// A response status: the three-digit code, with the standard reason phrase for the registered ones.
public struct HTTPResponseStatus: Sendable, Hashable, CustomStringConvertible {
    /// The status code, 100...999 on the wire.
    public var code: Int

    /// A status from its code.
    public init(code: Int) {
        self.code = code
    }

    /// The standard reason phrase (RFC 9110 section 15), or an empty string for unregistered codes.
    public var reasonPhrase: String {
        switch code {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 203: "Non-Authoritative Information"
        case 204: "No Content"
        case 205: "Reset Content"
        case 206: "Partial Content"
        case 300: "Multiple Choices"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 416: "Range Not Satisfiable"
        case 417: "Expectation Failed"
        case 421: "Misdirected Request"
        case 422: "Unprocessable Content"
        case 426: "Upgrade Required"
        case 428: "Precondition Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: ""
        }
    }

    /// Whether a response with this status never has a body (1xx, 204, 304; RFC 9110 section 6.4.1).
    public var mayNotHaveBody: Bool { (100..<200).contains(code) || code == 204 || code == 304 }

    /// `200 OK`.
    public var description: String { "\(code) \(reasonPhrase)" }

    public static let `continue` = HTTPResponseStatus(code: 100)
    public static let switchingProtocols = HTTPResponseStatus(code: 101)
    public static let ok = HTTPResponseStatus(code: 200)
    public static let created = HTTPResponseStatus(code: 201)
    public static let accepted = HTTPResponseStatus(code: 202)
    public static let noContent = HTTPResponseStatus(code: 204)
    public static let movedPermanently = HTTPResponseStatus(code: 301)
    public static let found = HTTPResponseStatus(code: 302)
    public static let seeOther = HTTPResponseStatus(code: 303)
    public static let notModified = HTTPResponseStatus(code: 304)
    public static let temporaryRedirect = HTTPResponseStatus(code: 307)
    public static let permanentRedirect = HTTPResponseStatus(code: 308)
    public static let badRequest = HTTPResponseStatus(code: 400)
    public static let unauthorized = HTTPResponseStatus(code: 401)
    public static let forbidden = HTTPResponseStatus(code: 403)
    public static let notFound = HTTPResponseStatus(code: 404)
    public static let methodNotAllowed = HTTPResponseStatus(code: 405)
    public static let requestTimeout = HTTPResponseStatus(code: 408)
    public static let conflict = HTTPResponseStatus(code: 409)
    public static let lengthRequired = HTTPResponseStatus(code: 411)
    public static let contentTooLarge = HTTPResponseStatus(code: 413)
    public static let uriTooLong = HTTPResponseStatus(code: 414)
    public static let expectationFailed = HTTPResponseStatus(code: 417)
    public static let tooManyRequests = HTTPResponseStatus(code: 429)
    public static let requestHeaderFieldsTooLarge = HTTPResponseStatus(code: 431)
    public static let internalServerError = HTTPResponseStatus(code: 500)
    public static let notImplemented = HTTPResponseStatus(code: 501)
    public static let badGateway = HTTPResponseStatus(code: 502)
    public static let serviceUnavailable = HTTPResponseStatus(code: 503)
    public static let gatewayTimeout = HTTPResponseStatus(code: 504)
    public static let httpVersionNotSupported = HTTPResponseStatus(code: 505)
}
