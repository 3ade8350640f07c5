import Core
import HTTP

extension ShopError {
    /// The error as an HTTP response; a 503 says `Retry-After` (`retryAfterSeconds`, else 1), a 401 `WWW-Authenticate: Bearer`.
    public var response: HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if status == 503 { headers.add(name: "Retry-After", value: String(retryAfterSeconds ?? 1)) }
        if status == 401 { headers.add(name: "WWW-Authenticate", value: "Bearer") }
        return HTTPResponse(status: HTTPResponseStatus(code: status), headers: headers, body: ByteBuffer(string: json))
    }
}
