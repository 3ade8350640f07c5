/// A request method: the common ones as cases (no allocation when decoded), any other token as `.other`.
///
/// Methods are case-sensitive (RFC 9110 section 9.1): `get` is not `GET` and decodes as `.other("get")`.
public enum HTTPMethod: Sendable, Hashable, CustomStringConvertible {
    case GET
    case HEAD
    case POST
    case PUT
    case DELETE
    case PATCH
    case OPTIONS
    case CONNECT
    case TRACE
    /// Any other method token, spelled as received. Never holds one of the names above.
    case other(String)

    /// The method for `token`, mapping the common spellings to their case.
    ///
    /// The token is not validated here; the decoder only produces valid tokens, and the encoder trusts the
    /// caller (a method is program text, not user input).
    public init(_ token: String) {
        switch token {
        case "GET": self = .GET
        case "HEAD": self = .HEAD
        case "POST": self = .POST
        case "PUT": self = .PUT
        case "DELETE": self = .DELETE
        case "PATCH": self = .PATCH
        case "OPTIONS": self = .OPTIONS
        case "CONNECT": self = .CONNECT
        case "TRACE": self = .TRACE
        default: self = .other(token)
        }
    }

    /// The method as written on the request line.
    public var rawValue: String {
        switch self {
        case .GET: "GET"
        case .HEAD: "HEAD"
        case .POST: "POST"
        case .PUT: "PUT"
        case .DELETE: "DELETE"
        case .PATCH: "PATCH"
        case .OPTIONS: "OPTIONS"
        case .CONNECT: "CONNECT"
        case .TRACE: "TRACE"
        case .other(let token): token
        }
    }

    /// The method as written on the request line.
    public var description: String { rawValue }
}

extension HTTPMethod {
    /// Recognises a method from raw request-line bytes without building a String for the common ones.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> HTTPMethod {
        // Dispatch on length first: at most one comparison per known method of that length.
        switch bytes.count {
        case 3:
            if bytes.equals("GET") { return .GET }
            if bytes.equals("PUT") { return .PUT }
        case 4:
            if bytes.equals("POST") { return .POST }
            if bytes.equals("HEAD") { return .HEAD }
        case 5:
            if bytes.equals("PATCH") { return .PATCH }
            if bytes.equals("TRACE") { return .TRACE }
        case 6:
            if bytes.equals("DELETE") { return .DELETE }
        case 7:
            if bytes.equals("OPTIONS") { return .OPTIONS }
            if bytes.equals("CONNECT") { return .CONNECT }
        default:
            break
        }
        return .other(String(decoding: bytes, as: UTF8.self))
    }
}
