import Core
import HTTP

/// Writes the heads the balancer forwards: the request to the upstream and the response to the client.
/// Pure: bytes in, bytes out.
///
/// Hop-by-hop fields (RFC 9110 section 7.6.1: `Connection` and the fields it names, `Keep-Alive`,
/// `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`) never cross, and neither does the
/// peer's framing: the balancer writes exactly one `Content-Length` or `Transfer-Encoding` of its own for the
/// body it relays, so the two sides can never disagree on where a message ends (request smuggling).
struct HeadRewriter: Sendable {
    /// How a relayed body is framed on the wire we write.
    enum Framing: Equatable, Sendable {
        case none
        case length(Int)
        case chunked
    }

    /// The served-by header's name as configured, or nil.
    let servedByName: [UInt8]?

    init(servedByHeader: String?) {
        servedByName = servedByHeader.map { Array($0.utf8) }
    }

    // MARK: - Requests

    /// The framing of a decoded request's body (the decoder has already refused ambiguous ones).
    static func requestFraming(_ head: HTTPRequestHead) -> Framing {
        var framing = Framing.none
        head.headers.forEachRawField { name, value in
            if HeadRewriter.equalsLowercase(name, "transfer-encoding") {
                framing = .chunked
            } else if HeadRewriter.equalsLowercase(name, "content-length"), framing != .chunked {
                let length = HeadRewriter.leadingDecimal(value)
                framing = length > 0 ? .length(length) : .none
            }
        }
        return framing
    }

    /// Appends the request line (always HTTP/1.1 upstream), the end-to-end fields, `X-Forwarded-For` (the
    /// client's chain plus `clientHost`), `X-Forwarded-Proto`, `X-Forwarded-Host`, `X-Request-ID` and the
    /// framing. Returns the request id: the client's when it sent a sensible one, else `newID()`.
    func writeRequestHead(
        _ head: HTTPRequestHead, clientHost: String, framing: Framing, into out: inout ByteBuffer,
        newID: () -> String
    ) -> String {
        out.writeString(head.method.rawValue)
        out.writeByte(UInt8(ascii: " "))
        out.writeString(head.target)
        out.writeStaticString(" HTTP/1.1\r\n")
        var forwardedFor: UnsafeRawBufferPointer?
        var host: UnsafeRawBufferPointer?
        var requestID: String?
        let connectionTokens = HeadRewriter.connectionTokens(head.headers)
        head.headers.forEachRawField { name, value in
            switch HeadRewriter.classify(name) {
            case .hopByHop, .framing, .forwardedProto, .forwardedHost, .expect:
                return
            case .forwardedFor:
                // Several X-Forwarded-For fields are one list: keep the last chain seen (rare; proxies append).
                forwardedFor = value
                return
            case .requestID:
                requestID = RequestID.accepted(String(decoding: value, as: UTF8.self))
                return
            case .host:
                host = value
            case .other:
                if let connectionTokens, connectionTokens.contains(where: { HeadRewriter.equalsLowercase(name, $0) }) {
                    return
                }
            }
            HeadRewriter.writeField(name, value, into: &out)
        }
        out.writeStaticString("X-Forwarded-For: ")
        if let forwardedFor, !forwardedFor.isEmpty {
            out.writeBytes(forwardedFor)
            out.writeStaticString(", ")
        }
        out.writeString(clientHost)
        out.writeStaticString("\r\nX-Forwarded-Proto: http\r\n")
        if let host {
            out.writeStaticString("X-Forwarded-Host: ")
            out.writeBytes(host)
            out.writeStaticString("\r\n")
        }
        let id = requestID ?? newID()
        out.writeStaticString("X-Request-ID: ")
        out.writeString(id)
        out.writeStaticString("\r\n")
        HeadRewriter.writeFraming(framing, into: &out)
        out.writeStaticString("\r\n")
        return id
    }

    // MARK: - Responses

    /// How an upstream response's body is framed on the upstream connection, given the request's method.
    static func responseFraming(_ head: HTTPResponseHead, method: HTTPMethod) -> (framing: Framing, untilClose: Bool) {
        let code = head.status.code
        if method == .HEAD || code < 200 || code == 204 || code == 304 { return (.none, false) }
        var framing: Framing?
        head.headers.forEachRawField { name, value in
            if HeadRewriter.equalsLowercase(name, "transfer-encoding") {
                framing = .chunked
            } else if HeadRewriter.equalsLowercase(name, "content-length"), framing != .chunked {
                framing = .length(HeadRewriter.leadingDecimal(value))
            }
        }
        guard let framing else { return (.chunked, true) }
        return (framing, false)
    }

    /// Appends the response head for the client: the upstream's status and end-to-end fields, the
    /// served-by header, `X-Request-ID` when the upstream did not echo it, the framing, and `Connection`.
    /// A bodiless answer (HEAD, 204, 304) keeps the upstream's `Content-Length`, which describes the body a
    /// GET would have had.
    func writeResponseHead(
        _ head: HTTPResponseHead, framing: Framing, isBodiless: Bool, servedBy: String, requestID: String,
        keepAlive: Bool, announceKeepAlive: Bool, into out: inout ByteBuffer
    ) {
        out.writeStaticString("HTTP/1.1 ")
        out.writeDecimal(head.status.code)
        out.writeByte(UInt8(ascii: " "))
        out.writeString(head.reason)
        out.writeStaticString("\r\n")
        var sawRequestID = false
        let connectionTokens = HeadRewriter.connectionTokens(head.headers)
        let servedByName = self.servedByName
        head.headers.forEachRawField { name, value in
            switch HeadRewriter.classify(name) {
            case .hopByHop:
                return
            case .framing:
                guard isBodiless, HeadRewriter.equalsLowercase(name, "content-length") else { return }
            case .requestID:
                sawRequestID = true
            case .other:
                if let servedByName, HeadRewriter.equalsIgnoringCase(name, servedByName) { return }
                if let connectionTokens, connectionTokens.contains(where: { HeadRewriter.equalsLowercase(name, $0) }) {
                    return
                }
            case .forwardedFor, .forwardedProto, .forwardedHost, .host, .expect:
                break
            }
            HeadRewriter.writeField(name, value, into: &out)
        }
        if let servedByName {
            out.writeBytes(servedByName)
            out.writeStaticString(": ")
            out.writeString(servedBy)
            out.writeStaticString("\r\n")
        }
        if !sawRequestID {
            out.writeStaticString("X-Request-ID: ")
            out.writeString(requestID)
            out.writeStaticString("\r\n")
        }
        if !isBodiless { HeadRewriter.writeFraming(framing, into: &out) }
        if !keepAlive {
            out.writeStaticString("Connection: close\r\n")
        } else if announceKeepAlive {
            out.writeStaticString("Connection: keep-alive\r\n")
        }
        out.writeStaticString("\r\n")
    }

    // MARK: - Fields

    enum FieldKind {
        case hopByHop, framing, forwardedFor, forwardedProto, forwardedHost, requestID, host, expect, other
    }

    /// What a field is to a proxy, by its name (case-insensitive); the length picks the candidates so most
    /// names cost one comparison.
    static func classify(_ name: UnsafeRawBufferPointer) -> FieldKind {
        switch name.count {
        case 2: return equalsLowercase(name, "te") ? .hopByHop : .other
        case 4: return equalsLowercase(name, "host") ? .host : .other
        case 6: return equalsLowercase(name, "expect") ? .expect : .other
        case 7:
            if equalsLowercase(name, "upgrade") || equalsLowercase(name, "trailer") { return .hopByHop }
            return .other
        case 10:
            if equalsLowercase(name, "connection") || equalsLowercase(name, "keep-alive") { return .hopByHop }
            return .other
        case 12: return equalsLowercase(name, "x-request-id") ? .requestID : .other
        case 14: return equalsLowercase(name, "content-length") ? .framing : .other
        case 15: return equalsLowercase(name, "x-forwarded-for") ? .forwardedFor : .other
        case 16:
            if equalsLowercase(name, "proxy-connection") { return .hopByHop }
            if equalsLowercase(name, "x-forwarded-host") { return .forwardedHost }
            return .other
        case 17:
            if equalsLowercase(name, "transfer-encoding") { return .framing }
            if equalsLowercase(name, "x-forwarded-proto") { return .forwardedProto }
            return .other
        default: return .other
        }
    }

    /// The field names a `Connection` header lists beyond `close` and `keep-alive` (those must not be
    /// forwarded either), lower-cased; nil when there are none (the usual case, which allocates nothing).
    static func connectionTokens(_ headers: HTTPHeaders) -> [String]? {
        var tokens: [String]?
        headers.forEachRawField { name, value in
            guard name.count == 10, equalsLowercase(name, "connection") else { return }
            for token in String(decoding: value, as: UTF8.self).split(separator: ",") {
                let trimmed = token.trimmingSpaces.lowercased()
                if trimmed.isEmpty || trimmed == "close" || trimmed == "keep-alive" { continue }
                tokens = (tokens ?? []) + [trimmed]
            }
        }
        return tokens
    }

    static func writeField(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, into out: inout ByteBuffer)
    {
        out.writeBytes(name)
        out.writeStaticString(": ")
        out.writeBytes(value)
        out.writeStaticString("\r\n")
    }

    static func writeFraming(_ framing: Framing, into out: inout ByteBuffer) {
        switch framing {
        case .none: break
        case .length(let length):
            out.writeStaticString("Content-Length: ")
            out.writeDecimal(length)
            out.writeStaticString("\r\n")
        case .chunked:
            out.writeStaticString("Transfer-Encoding: chunked\r\n")
        }
    }

    /// Whether `bytes` equal `lowercase` ignoring ASCII case (`lowercase` is lower-case already).
    static func equalsLowercase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let wanted = lowercase.utf8Start
        for index in 0..<bytes.count where lowercased(bytes[index]) != wanted[index] { return false }
        return true
    }

    static func equalsLowercase(_ bytes: UnsafeRawBufferPointer, _ lowercase: String) -> Bool {
        guard bytes.count == lowercase.utf8.count else { return false }
        var index = 0
        for byte in lowercase.utf8 {
            if lowercased(bytes[index]) != byte { return false }
            index += 1
        }
        return true
    }

    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ other: [UInt8]) -> Bool {
        guard bytes.count == other.count else { return false }
        for index in 0..<bytes.count where lowercased(bytes[index]) != lowercased(other[index]) {
            return false
        }
        return true
    }

    /// The decimal number at the start of `bytes` (a validated Content-Length; `5, 5` gives 5).
    static func leadingDecimal(_ bytes: UnsafeRawBufferPointer) -> Int {
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { continue }
                break
            }
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return Int.max }
            value = product &+ Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}

extension ByteBuffer {
    /// Appends an ASCII literal without going through String.
    @inline(__always)
    mutating func writeStaticString(_ literal: StaticString) {
        writeBytes(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}

/// `byte` with ASCII upper-case letters lowered.
@inline(__always)
func lowercased(_ byte: UInt8) -> UInt8 {
    byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
}

extension HeadRewriter {
    /// `text` safe inside a JSON string.
    static func jsonEscaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
