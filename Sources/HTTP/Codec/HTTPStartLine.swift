/// The first line of a message, which the head parser hands over as soon as it is complete.
protocol HTTPStartLine: Sendable {
    /// Whether this is a request line (an empty line before it is skipped; limits map to request statuses).
    static var isRequest: Bool { get }
    /// Parses `line` (without its CRLF) or throws the violation it contains.
    static func parse(_ line: UnsafeRawBufferPointer) throws -> Self
    /// The protocol version the line declares.
    var version: HTTPVersion { get }
}

extension HTTPVersion {
    /// Parses the eight bytes `HTTP/x.y` at `offset` of `line`: malformed is 400, a major other than 1 is 505.
    static func parse(_ line: UnsafeRawBufferPointer, at offset: Int, isRequest: Bool) throws -> HTTPVersion {
        let major = line.byte(offset + 5) &- ASCII.zero
        let minor = line.byte(offset + 7) &- ASCII.zero
        guard UnsafeRawBufferPointer(rebasing: line[offset..<offset + 5]).equals("HTTP/"),
            major < 10, line.byte(offset + 6) == UInt8(ascii: "."), minor < 10
        else { throw HTTPParserError(.invalidVersion, isRequest: isRequest) }
        guard major == 1 else { throw HTTPParserError(.unsupportedVersion, isRequest: isRequest) }
        return HTTPVersion(major: major, minor: minor)
    }
}

/// `method SP request-target SP HTTP-version` (RFC 9112 section 3).
struct HTTPRequestLine: HTTPStartLine {
    var method: HTTPMethod
    var target: String
    var version: HTTPVersion

    static var isRequest: Bool { true }

    static func parse(_ line: UnsafeRawBufferPointer) throws -> HTTPRequestLine {
        let count = line.count
        var index = 0
        while index < count && ASCII.isTokenCharacter(line.byte(index)) { index += 1 }
        guard index > 0, index < count, line.byte(index) == ASCII.space else {
            throw HTTPParserError(index == count ? .invalidRequestLine : .invalidMethod)
        }
        let targetStart = index + 1
        // The version is the fixed-size tail, so the target is everything between the two single spaces.
        let versionStart = count - 8
        guard versionStart - 1 > targetStart, line.byte(versionStart - 1) == ASCII.space else {
            throw HTTPParserError(.invalidRequestLine)
        }
        let version = try HTTPVersion.parse(line, at: versionStart, isRequest: true)
        let targetEnd = versionStart - 1
        // Visible ASCII only (no space, no control, no raw UTF-8): clients percent-encode everything else.
        for offset in targetStart..<targetEnd where line.byte(offset) &- 0x21 > 0x7E - 0x21 {
            throw HTTPParserError(.invalidTarget)
        }
        return HTTPRequestLine(
            method: HTTPMethod.decode(UnsafeRawBufferPointer(rebasing: line[0..<index])),
            target: String(decoding: UnsafeRawBufferPointer(rebasing: line[targetStart..<targetEnd]), as: UTF8.self),
            version: version)
    }
}

/// `HTTP-version SP status-code SP [reason-phrase]` (RFC 9112 section 4); a missing final space is tolerated.
struct HTTPStatusLine: HTTPStartLine {
    var version: HTTPVersion
    var status: HTTPResponseStatus
    var reason: String

    static var isRequest: Bool { false }

    static func parse(_ line: UnsafeRawBufferPointer) throws -> HTTPStatusLine {
        let count = line.count
        guard count >= 12, line.byte(8) == ASCII.space, count == 12 || line.byte(12) == ASCII.space else {
            throw HTTPParserError(.invalidStatusLine, isRequest: false)
        }
        let version = try HTTPVersion.parse(line, at: 0, isRequest: false)
        var code = 0
        for offset in 9..<12 {
            let digit = line.byte(offset) &- ASCII.zero
            guard digit < 10 else { throw HTTPParserError(.invalidStatusLine, isRequest: false) }
            code = code * 10 + Int(digit)
        }
        guard code >= 100 else { throw HTTPParserError(.invalidStatusLine, isRequest: false) }
        let reasonRange = min(13, count)..<count
        guard line.firstInvalidFieldValueByte(in: reasonRange) == nil else {
            throw HTTPParserError(.invalidStatusLine, isRequest: false)
        }
        return HTTPStatusLine(
            version: version, status: HTTPResponseStatus(code: code),
            reason: String(decoding: UnsafeRawBufferPointer(rebasing: line[reasonRange]), as: UTF8.self))
    }
}
