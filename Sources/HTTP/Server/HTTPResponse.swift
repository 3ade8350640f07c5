import Core

/// A complete response: status, headers and body. `Content-Length` is added by the server.
///
/// Build often-sent responses once and reuse them: headers and body are copy-on-write, so answering
/// with a shared response costs reference counts, not copies.
public struct HTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a text body and its content type.
    public init(status: HTTPResponseStatus = .ok, contentType: String, body: String) {
        self.init(status: status, headers: ["Content-Type": contentType], body: ByteBuffer(string: body))
    }

    /// A JSON body (already serialised) with `Content-Type: application/json`.
    public static func json(_ body: String, status: HTTPResponseStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body)
    }

    /// A plain-text body.
    public static func text(_ body: String, status: HTTPResponseStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: body)
    }

    /// The error answer the server sends by itself (404, 405, 408, 4xx from the decoder, 500, 503):
    /// `{"error":{"code":<status>,"message":"..."}}`.
    public static func error(_ status: HTTPResponseStatus, message: String) -> HTTPResponse {
        var escaped = ""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            default:
                if scalar.value < 0x20 { escaped += " " } else { escaped.unicodeScalars.append(scalar) }
            }
        }
        return .json("{\"error\":{\"code\":\(status.code),\"message\":\"\(escaped)\"}}\n", status: status)
    }
}
