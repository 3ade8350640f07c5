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
    /// The served-by header's name as configured, or nil.
    let servedByName: [UInt8]?

    init(servedByHeader: String?) {
        servedByName = servedByHeader.map { Array($0.utf8) }
    }

    // MARK: - Requests

    /// Appends the request line (always HTTP/1.1 upstream), the end-to-end fields, `X-Forwarded-For` (the
    /// client's chain plus `clientHost`), `X-Forwarded-Proto`, `X-Forwarded-Host`, `X-Request-ID` and the
    /// framing. Returns the request id: the client's when it sent a sensible one, else `newID()`.
    func writeRequestHead(
        _ head: HTTPRequestHead, clientHost: String, framing: HTTPBodyFraming, into out: inout ByteBuffer,
        hasIdempotencyKey: inout Bool, newID: () -> String
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
            case .idempotencyKey:
                hasIdempotencyKey = true
            case .other:
                if let connectionTokens, connectionTokens.contains(where: { HeadRewriter.equalsIgnoringCase(name, $0) })
                {
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

    /// Appends the response head for the client: the upstream's status and end-to-end fields, the
    /// served-by header, `X-Request-ID` when the upstream did not echo it, the framing, and `Connection`.
    /// A bodiless answer (HEAD, 204, 304) keeps the upstream's `Content-Length`, which describes the body a
    /// GET would have had.
    func writeResponseHead(
        _ head: HTTPResponseHead, framing: HTTPBodyFraming, isBodiless: Bool, servedBy: String, requestID: String,
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
                guard isBodiless, name.count == 14 else { return }  // Content-Length, not Transfer-Encoding
            case .requestID:
                sawRequestID = true
            case .other:
                if let servedByName, HeadRewriter.equalsIgnoringCase(name, servedByName) { return }
                if let connectionTokens, connectionTokens.contains(where: { HeadRewriter.equalsIgnoringCase(name, $0) })
                {
                    return
                }
            case .forwardedFor, .forwardedProto, .forwardedHost, .host, .expect, .idempotencyKey:
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
        case hopByHop, framing, forwardedFor, forwardedProto, forwardedHost, requestID, host, expect, idempotencyKey,
            other
    }

    /// What a field is to a proxy, by its name (case-insensitive). The length picks the candidates and one
    /// or two 8-byte loads compare them: this runs for every field of every head, both ways.
    static func classify(_ name: UnsafeRawBufferPointer) -> FieldKind {
        switch name.count {
        case 2: return name.lowered16(at: 0) == Word.te ? .hopByHop : .other
        case 4: return name.lowered32(at: 0) == Word.host ? .host : .other
        case 6: return name.lowered32(at: 0) == Word.expe && name.lowered16(at: 4) == Word.ct ? .expect : .other
        case 7:
            let tail = name.lowered32(at: 3)
            let head = name.lowered32(at: 0)
            if (head == Word.upgr && tail == Word.rade) || (head == Word.trai && tail == Word.iler) { return .hopByHop }
            return .other
        case 10:
            let head = name.lowered64(at: 0)
            let tail = name.lowered16(at: 8)
            if (head == Word.connecti && tail == Word.on) || (head == Word.keepAliv && tail == Word.ve) {
                return .hopByHop
            }
            return .other
        case 12:
            return name.lowered64(at: 0) == Word.xRequest && name.lowered32(at: 8) == Word.stID ? .requestID : .other
        case 14:
            return name.lowered64(at: 0) == Word.content_ && name.lowered64(at: 6) == Word.tLength ? .framing : .other
        case 15:
            let head = name.lowered64(at: 0)
            let tail = name.lowered64(at: 7)
            if head == Word.xForwar && tail == Word.rdedFor { return .forwardedFor }
            if head == Word.idempote && tail == Word.encyKey { return .idempotencyKey }
            return .other
        case 16:
            let head = name.lowered64(at: 0)
            let tail = name.lowered64(at: 8)
            if head == Word.proxyCon && tail == Word.nnection { return .hopByHop }
            if head == Word.xForwar2 && tail == Word.dedHost { return .forwardedHost }
            return .other
        case 17:
            let head = name.lowered64(at: 0)
            let tail = name.lowered64(at: 9)
            if head == Word.transfer && tail == Word.encoding { return .framing }
            if head == Word.xForwar2 && tail == Word.edProto { return .forwardedProto }
            return .other
        default: return .other
        }
    }

    /// The lower-cased names' bytes as little-endian words, for `classify`.
    enum Word {
        static let te = word16("te")
        static let clos = word32("clos")
        static let idempote = word64("idempote")
        static let encyKey = word64("ency-key")
        static let host = word32("host")
        static let expe = word32("expe")
        static let ct = word16("ct")
        static let upgr = word32("upgr")
        static let rade = word32("rade")
        static let trai = word32("trai")
        static let iler = word32("iler")
        static let connecti = word64("connecti")
        static let on = word16("on")
        static let keepAliv = word64("keep-ali")
        static let ve = word16("ve")
        static let xRequest = word64("x-reques")
        static let stID = word32("t-id")
        static let content_ = word64("content-")
        static let tLength = word64("t-length")
        static let xForwar = word64("x-forwar")
        static let rdedFor = word64("rded-for")
        static let proxyCon = word64("proxy-co")
        static let nnection = word64("nnection")
        static let xForwar2 = word64("x-forwar")
        static let dedHost = word64("ded-host")
        static let transfer = word64("transfer")
        static let encoding = word64("encoding")
        static let edProto = word64("ed-proto")

        static func word64(_ text: StaticString) -> UInt64 { word(text, 8) }
        static func word32(_ text: StaticString) -> UInt32 { UInt32(truncatingIfNeeded: word(text, 4)) }
        static func word16(_ text: StaticString) -> UInt16 { UInt16(truncatingIfNeeded: word(text, 2)) }

        private static func word(_ text: StaticString, _ count: Int) -> UInt64 {
            precondition(text.utf8CodeUnitCount == count)
            var value: UInt64 = 0
            for index in (0..<count).reversed() { value = value << 8 | UInt64(text.utf8Start[index]) }
            return value
        }
    }

    /// The field names `Connection` headers list beyond `close` and `keep-alive` (those fields must not be
    /// forwarded either), lower-cased; nil when there are none, the usual case, which allocates nothing.
    static func connectionTokens(_ headers: HTTPHeaders) -> [[UInt8]]? {
        var tokens: [[UInt8]]?
        headers.forEachRawField { name, value in
            guard name.count == 10, name.lowered64(at: 0) == Word.connecti, name.lowered16(at: 8) == Word.on else {
                return
            }
            var start = 0
            while start <= value.count {
                var end = start
                while end < value.count && value[end] != UInt8(ascii: ",") { end += 1 }
                var first = start
                var last = end
                while first < last && (value[first] == UInt8(ascii: " ") || value[first] == UInt8(ascii: "\t")) {
                    first += 1
                }
                while last > first && (value[last - 1] == UInt8(ascii: " ") || value[last - 1] == UInt8(ascii: "\t")) {
                    last -= 1
                }
                let token = UnsafeRawBufferPointer(rebasing: value[first..<last])
                if !token.isEmpty && !isClose(token) && !isKeepAlive(token) {
                    tokens = (tokens ?? []) + [token.map(lowercased)]
                }
                start = end + 1
            }
        }
        return tokens
    }

    static func isClose(_ token: UnsafeRawBufferPointer) -> Bool {
        token.count == 5 && token.lowered32(at: 0) == Word.clos && lowercased(token[4]) == UInt8(ascii: "e")
    }

    static func isKeepAlive(_ token: UnsafeRawBufferPointer) -> Bool {
        token.count == 10 && token.lowered64(at: 0) == Word.keepAliv && token.lowered16(at: 8) == Word.ve
    }

    /// Appends `name: value\r\n` with one capacity check and plain copies (this runs for every field).
    static func writeField(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, into out: inout ByteBuffer)
    {
        let total = name.count + value.count + 4
        _ = out.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { target in
            let base = target.baseAddress!
            if let source = name.baseAddress { base.copyMemory(from: source, byteCount: name.count) }
            var offset = name.count
            base.storeBytes(of: UInt16(0x203A), toByteOffset: offset, as: UInt16.self)  // ": "
            offset += 2
            if let source = value.baseAddress { (base + offset).copyMemory(from: source, byteCount: value.count) }
            offset += value.count
            base.storeBytes(of: UInt16(0x0A0D), toByteOffset: offset, as: UInt16.self)  // "\r\n"
            return total
        }
    }

    static func writeFraming(_ framing: HTTPBodyFraming, into out: inout ByteBuffer) {
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

extension UnsafeRawBufferPointer {
    // Loads that lower-case ASCII letters by setting bit 5 of every byte. For the names `classify` looks for
    // (letters and `-`) that is exact: a byte matching a letter after the OR is that letter in either case,
    // and the only other byte matching `-` (0x2D) is CR (0x0D), which a field name cannot hold.
    @inline(__always)
    func lowered64(at offset: Int) -> UInt64 {
        loadUnaligned(fromByteOffset: offset, as: UInt64.self) | 0x2020_2020_2020_2020
    }

    @inline(__always)
    func lowered32(at offset: Int) -> UInt32 {
        loadUnaligned(fromByteOffset: offset, as: UInt32.self) | 0x2020_2020
    }

    @inline(__always)
    func lowered16(at offset: Int) -> UInt16 {
        loadUnaligned(fromByteOffset: offset, as: UInt16.self) | 0x2020
    }
}
