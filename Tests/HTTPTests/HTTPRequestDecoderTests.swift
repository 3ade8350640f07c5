import Core
import HTTP
import TestSupport
import Testing

@Suite struct HTTPRequestDecoderTests {
    static let simpleGET =
        "GET /plaintext?name=value&x=1 HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: wrk\r\n"
        + "Accept: */*\r\nConnection: keep-alive\r\nX-Empty:\r\n\r\n"

    @Test("a GET decodes to its head and an end, however the bytes arrive", arguments: Split.all)
    func simpleGet(split: Split) throws {
        let decoded = decodeRequests(Self.simpleGET, split: split)
        #expect(decoded.error == nil)
        #expect(decoded.parts.count == 2)
        let head = try #require(decoded.parts.first?.head)
        #expect(head.method == .GET)
        #expect(head.target == "/plaintext?name=value&x=1")
        #expect(head.path == "/plaintext")
        #expect(head.query == "name=value&x=1")
        #expect(head.version == .http1_1)
        #expect(head.headers.count == 5)
        #expect(head.headers.first(name: "host") == "localhost:8080")
        #expect(head.headers.first(name: "USER-AGENT") == "wrk")
        #expect(head.headers.first(name: "x-empty") == "")
        #expect(head.isKeepAlive)
        #expect(!head.expectsContinue)
        #expect(decoded.parts.last == .end)
        #expect(decoded.leftover.isEmpty)
    }

    @Test("whitespace around a header value is trimmed, inside it is kept", arguments: Split.all)
    func valueWhitespace(split: Split) throws {
        let decoded = decodeRequests("GET / HTTP/1.1\r\nHost: h\r\nX-A: \t a  b \t\r\nX-B:c\r\n\r\n", split: split)
        let head = try #require(decoded.parts.first?.head)
        #expect(head.headers.first(name: "x-a") == "a  b")
        #expect(head.headers.first(name: "x-b") == "c")
    }

    @Test("pipelined requests come out one part per call, the rest left in the buffer")
    func pipelining() throws {
        let input = ByteBuffer(
            string: "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /c HTTP/1.1\r\nHost: h\r\n\r\n")
        var buffer = input
        var decoder = HTTPRequestDecoder()
        let first = try decoder.decode(&buffer)
        #expect(first?.head?.target == "/a")
        #expect(buffer.readableBytes == input.readableBytes - 28)
        #expect(try decoder.decode(&buffer) == .end)
        #expect(try decoder.decode(&buffer)?.head?.method == .POST)
        #expect(try decoder.decode(&buffer) == .body("abc"))
        #expect(try decoder.decode(&buffer) == .end)
        #expect(try decoder.decode(&buffer)?.head?.target == "/c")
        #expect(try decoder.decode(&buffer) == .end)
        #expect(try decoder.decode(&buffer) == nil)
        #expect(decoder.isIdle)
    }

    @Test("skipping the end of a bodiless request goes straight to the next head, a body is left alone")
    func skipEndIfBodiless() throws {
        var buffer = ByteBuffer(
            string: "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
        var decoder = HTTPRequestDecoder()
        let skippedBeforeHead = decoder.skipEndIfBodiless()
        #expect(!skippedBeforeHead)
        #expect(try decoder.decode(&buffer)?.head?.target == "/a")
        let skippedGET = decoder.skipEndIfBodiless()
        #expect(skippedGET)
        #expect(decoder.isIdle)
        #expect(try decoder.decode(&buffer)?.head?.method == .POST)
        let skippedPOST = decoder.skipEndIfBodiless()
        #expect(!skippedPOST)
        #expect(try decoder.decode(&buffer) == .body("abc"))
        #expect(try decoder.decode(&buffer) == .end)
        #expect(decoder.isIdle)
    }

    @Test("pipelined requests decode the same however the bytes arrive", arguments: Split.all)
    func pipeliningSplits(split: Split) {
        let input =
            "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
            + "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
            + "\r\nDELETE /d HTTP/1.0\r\n\r\n"
        let decoded = decodeRequests(input, split: split)
        #expect(decoded.error == nil)
        #expect(decoded.parts.map(\.head?.target) == ["/a", nil, "/b", nil, nil, "/c", nil, nil, "/d", nil])
        #expect(decoded.parts.compactMap(\.bodyText) == ["abc", "hi"])
        #expect(decoded.parts.filter { $0 == .end }.count == 4)
    }

    @Test("a Content-Length body is streamed as it arrives", arguments: Split.all)
    func contentLengthBody(split: Split) {
        let body = String(repeating: "0123456789", count: 50)
        let decoded = decodeRequests(
            "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 500\r\n\r\n\(body)", split: split)
        #expect(decoded.error == nil)
        #expect(decoded.parts.count == 3)
        #expect(decoded.parts[1].bodyText == body)
        #expect(decoded.parts[2] == .end)
        if case .byteAtATime = split { #expect(decoded.bodyPartCount == 500) }
    }

    @Test("a body stops at Content-Length; the next bytes stay for the next request")
    func bodyStopsAtLength() throws {
        var buffer = ByteBuffer(string: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nabGET")
        var decoder = HTTPRequestDecoder()
        _ = try decoder.decode(&buffer)
        #expect(try decoder.decode(&buffer) == .body("ab"))
        #expect(try decoder.decode(&buffer) == .end)
        #expect(buffer.description == "GET")
        #expect(try decoder.decode(&buffer) == nil)
        #expect(buffer.description == "GET")
    }

    @Test("a chunked body with extensions and trailers decodes to its data", arguments: Split.all)
    func chunkedBody(split: Split) {
        let input =
            "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "5;name=value;other=\"quoted\"\r\nhello\r\n1A \r\nabcdefghijklmnopqrstuvwxyz\r\n"
            + "0\r\nX-Trailer: yes\r\nX-Other: 1\r\n\r\n"
        let decoded = decodeRequests(input, split: split)
        #expect(decoded.error == nil)
        #expect(decoded.parts.count == 3)
        #expect(decoded.parts[1].bodyText == "helloabcdefghijklmnopqrstuvwxyz")
        #expect(decoded.parts[2] == .end)
        #expect(decoded.leftover.isEmpty)
    }

    @Test("an empty chunked body is a head and an end", arguments: Split.all)
    func emptyChunked(split: Split) {
        let decoded = decodeRequests(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", split: split)
        #expect(decoded.error == nil)
        #expect(decoded.parts.count == 2)
        #expect(decoded.parts[1] == .end)
    }

    @Test("Expect: 100-continue is exposed on the head, delivered before any body byte")
    func expectContinue() throws {
        var decoder = HTTPRequestDecoder()
        var buffer = ByteBuffer(
            string: "PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-Continue\r\n\r\n")
        let head = try #require(try decoder.decode(&buffer)?.head)
        #expect(head.expectsContinue)
        #expect(try decoder.decode(&buffer) == nil)
        buffer.writeString("data")
        #expect(try decoder.decode(&buffer) == .body("data"))
        #expect(try decoder.decode(&buffer) == .end)
    }

    @Test("Expect: 100-continue is ignored on HTTP/1.0")
    func expectContinueHTTP10() throws {
        let decoded = decodeRequests("PUT /f HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")
        #expect(decoded.parts.first?.head?.expectsContinue == false)
    }

    @Test(
        "keep-alive follows the version and the Connection header",
        arguments: [
            ("1.1", "", true), ("1.1", "Connection: close\r\n", false), ("1.1", "Connection: keep-alive\r\n", true),
            ("1.1", "Connection: Upgrade, CLOSE\r\n", false), ("1.0", "", false),
            ("1.0", "Connection: keep-alive\r\n", true), ("1.0", "Connection: Keep-Alive\r\n", true),
            ("1.0", "Connection: close\r\n", false),
        ])
    func keepAlive(version: String, connection: String, expected: Bool) throws {
        let decoded = decodeRequests("GET / HTTP/\(version)\r\nHost: h\r\n\(connection)\r\n")
        let head = try #require(decoded.parts.first?.head)
        #expect(head.isKeepAlive == expected)
    }

    @Test("empty lines before a request line are skipped")
    func leadingEmptyLines() {
        let decoded = decodeRequests("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(decoded.parts.first?.head?.target == "/")
    }

    @Test("HTTP/1.0 needs no Host; a 1.x minor above 1 follows the 1.1 rules")
    func versions() throws {
        let old = decodeRequests("GET / HTTP/1.0\r\n\r\n")
        #expect(old.parts.first?.head?.version == .http1_0)
        let newer = decodeRequests("GET / HTTP/1.2\r\nHost: h\r\n\r\n")
        #expect(newer.parts.first?.head?.version == HTTPVersion(major: 1, minor: 2))
        #expect(newer.parts.first?.head?.isKeepAlive == true)
    }

    @Test("common and unknown methods decode; methods are case-sensitive")
    func methods() {
        let cases: [(String, HTTPMethod)] = [
            ("GET", .GET), ("HEAD", .HEAD), ("POST", .POST), ("PUT", .PUT), ("DELETE", .DELETE),
            ("PATCH", .PATCH), ("OPTIONS", .OPTIONS), ("TRACE", .TRACE), ("PURGE", .other("PURGE")),
            ("get", .other("get")), ("M-SEARCH", .other("M-SEARCH")),
        ]
        for (token, method) in cases {
            let decoded = decodeRequests("\(token) / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(decoded.parts.first?.head?.method == method, "\(token)")
        }
        let connect = decodeRequests("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        #expect(connect.parts.first?.head?.method == .CONNECT)
        #expect(connect.parts.first?.head?.target == "example.com:443")
    }

    @Test("Content-Length: 0 and identical repeated lengths are accepted")
    func lengthEdgeCases() {
        let zero = decodeRequests("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
        #expect(zero.parts.count == 2)
        let twice = decodeRequests(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok")
        #expect(twice.error == nil)
        #expect(twice.parts.compactMap(\.bodyText) == ["ok"])
    }

    // MARK: - Limits

    @Test("a request line over the limit is 414, complete or not", arguments: Split.all)
    func requestLineTooLong(split: Split) {
        let limits = HTTPDecoderLimits(maxStartLineLength: 64)
        let target = "/" + String(repeating: "a", count: 60)
        let complete = decodeRequests("GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n", split: split, limits: limits)
        #expect(complete.error?.code == .startLineTooLong)
        #expect(complete.error?.status == .uriTooLong)
        let endless = decodeRequests("GET \(target)\(target)", split: split, limits: limits)
        #expect(endless.error?.status == .uriTooLong)
        let fits = decodeRequests(
            "GET /\(String(repeating: "a", count: 48)) HTTP/1.1\r\nHost: h\r\n\r\n", limits: limits)
        #expect(fits.error == nil)
    }

    @Test("the default request line limit is 8 KiB")
    func defaultRequestLineLimit() {
        let target = "/" + String(repeating: "a", count: 8 * 1024)
        #expect(decodeRequests("GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n").error?.status == .uriTooLong)
    }

    @Test("headers over the byte limit are 431, complete or not", arguments: Split.all)
    func headersTooLarge(split: Split) {
        let limits = HTTPDecoderLimits(maxHeaderBytes: 100)
        let big = "X-Big: " + String(repeating: "v", count: 100)
        let complete = decodeRequests("GET / HTTP/1.1\r\nHost: h\r\n\(big)\r\n\r\n", split: split, limits: limits)
        #expect(complete.error?.code == .headersTooLarge)
        #expect(complete.error?.status == .requestHeaderFieldsTooLarge)
        let endless = decodeRequests("GET / HTTP/1.1\r\nHost: h\r\n\(big)\(big)", split: split, limits: limits)
        #expect(endless.error?.status == .requestHeaderFieldsTooLarge)
    }

    @Test("more header fields than the limit is 431")
    func tooManyHeaders() {
        let fields = (0..<101).map { "X-\($0): v\r\n" }.joined()
        let decoded = decodeRequests("GET / HTTP/1.1\r\nHost: h\r\n\(fields)\r\n")
        #expect(decoded.error?.code == .tooManyHeaders)
        #expect(decoded.error?.status == .requestHeaderFieldsTooLarge)
        let fine = (0..<99).map { "X-\($0): v\r\n" }.joined()
        #expect(decodeRequests("GET / HTTP/1.1\r\nHost: h\r\n\(fine)\r\n").error == nil)
    }

    @Test("a body over the limit is 413, by Content-Length or by chunks", arguments: Split.all)
    func bodyTooLarge(split: Split) {
        let limits = HTTPDecoderLimits(maxBodySize: 10)
        let declared = decodeRequests(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", split: split, limits: limits)
        #expect(declared.error?.code == .bodyTooLarge)
        #expect(declared.error?.status == .contentTooLarge)
        #expect(declared.parts.isEmpty)
        let chunked = decodeRequests(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n123456\r\n5\r\n12345\r\n0\r\n\r\n",
            split: split, limits: limits)
        #expect(chunked.error?.status == .contentTooLarge)
        let huge = decodeRequests("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n")
        #expect(huge.error?.status == .contentTooLarge)
        let hugeChunk = decodeRequests(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\n")
        #expect(hugeChunk.error?.status == .contentTooLarge)
    }

    @Test("an endless chunk-size line is rejected")
    func chunkLineTooLong() {
        let decoded = decodeRequests(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "x", count: 5000))
        #expect(decoded.error?.code == .chunkLineTooLong)
        #expect(decoded.error?.status == .badRequest)
    }

    @Test("trailers over the header byte limit are 431")
    func trailersTooLarge() {
        let limits = HTTPDecoderLimits(maxHeaderBytes: 64)
        let decoded = decodeRequests(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: "
                + String(repeating: "t", count: 100) + "\r\n\r\n", limits: limits)
        #expect(decoded.error?.status == .requestHeaderFieldsTooLarge)
    }

    // MARK: - Malformed requests

    static let malformed: [(String, String, HTTPParserError.Code)] = [
        (
            "both Content-Length and Transfer-Encoding",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            .contentLengthWithTransferEncoding
        ),
        (
            "differing Content-Length values",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", .conflictingContentLength
        ),
        (
            "a non-numeric Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
            .invalidContentLength
        ),
        (
            "a negative Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
            .invalidContentLength
        ),
        ("an empty Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", .invalidContentLength),
        (
            "a Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n",
            .invalidContentLength
        ),
        (
            "a signed Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n",
            .invalidContentLength
        ),
        (
            "a chunk size that is not hex",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunkSize
        ),
        (
            "a chunk size followed by junk",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n", .invalidChunkSize
        ),
        (
            "an empty chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
            .invalidChunkSize
        ),
        (
            "chunk data longer than its size",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
            .invalidChunkTerminator
        ),
        ("a bare LF ending the request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", .bareLineFeed),
        ("a bare LF ending a header", "GET / HTTP/1.1\r\nHost: h\n\r\n", .bareLineFeed),
        ("a bare LF ending the head", "GET / HTTP/1.1\r\nHost: h\r\n\n", .bareLineFeed),
        (
            "a bare LF in a chunk-size line",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\nhi\r\n0\r\n\r\n", .bareLineFeed
        ),
        ("a bare CR in a header value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", .invalidHeaderValue),
        ("a NUL in a header value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", .invalidHeaderValue),
        ("a DEL in a header value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{7F}\r\n\r\n", .invalidHeaderValue),
        (
            "an escape character in a long header value",
            "GET / HTTP/1.1\r\nHost: h\r\nX: abcdefghijklmnop\u{1B}qrstuvwxyz\r\n\r\n", .invalidHeaderValue
        ),
        ("a space before the colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", .whitespaceBeforeColon),
        ("a tab before the colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", .whitespaceBeforeColon),
        ("a header without a colon", "GET / HTTP/1.1\r\nHost h\r\n\r\n", .whitespaceBeforeColon),
        ("a header name with a slash", "GET / HTTP/1.1\r\nHost: h\r\nX/Y: v\r\n\r\n", .invalidHeaderName),
        ("an empty header name", "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", .invalidHeaderName),
        ("a header name with UTF-8", "GET / HTTP/1.1\r\nHost: h\r\nNamé: v\r\n\r\n", .invalidHeaderName),
        ("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n  b\r\n\r\n", .obsoleteLineFolding),
        ("a method with a bad character", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidMethod),
        ("a method with a slash", "GE/T / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidMethod),
        ("a leading space", " GET / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidMethod),
        ("a request line without a target", "GET HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestLine),
        ("a request line with two spaces", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("a space inside the target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("raw UTF-8 in the target", "GET /é HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget),
        ("just a method", "GET\r\n\r\n", .invalidRequestLine),
        ("a version that is not HTTP", "GET / HTTX/1.1\r\nHost: h\r\n\r\n", .invalidVersion),
        ("a version with letters", "GET / HTTP/1.x\r\nHost: h\r\n\r\n", .invalidVersion),
        ("a lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", .invalidVersion),
        ("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", .unsupportedVersion),
        ("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("a missing Host on HTTP/1.1", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", .missingHost),
        ("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", .multipleHosts),
        (
            "a coding before chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            .unsupportedTransferEncoding
        ),
        (
            "chunked before another coding",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .invalidTransferEncoding
        ),
        (
            "chunked twice",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            .invalidTransferEncoding
        ),
        (
            "a coding without chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
            .invalidTransferEncoding
        ),
        (
            "Transfer-Encoding on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            .transferEncodingInHTTP10
        ),
    ]

    @Test("each malformed request is rejected with its code and status", arguments: Split.all)
    func malformedRequests(split: Split) {
        for (name, input, code) in Self.malformed {
            let decoded = decodeRequests(input, split: split)
            #expect(decoded.error?.code == code, "\(name)")
            // Errors in the head come before any part; errors in a chunked body after the head.
            let isBodyError = input.hasSuffix("\r\n\r\n") == false || name.contains("chunk")
            if !isBodyError {
                #expect(!decoded.parts.contains { $0.head != nil }, "\(name): no head before the error")
            }
        }
    }

    @Test("malformed requests map to 400, 501 and 505 as the RFCs say")
    func malformedStatuses() {
        for (name, input, code) in Self.malformed {
            let status = decodeRequests(input).error?.status
            switch code {
            case .unsupportedTransferEncoding: #expect(status == .notImplemented, "\(name)")
            case .unsupportedVersion: #expect(status == .httpVersionNotSupported, "\(name)")
            default: #expect(status == .badRequest, "\(name)")
            }
        }
    }

    @Test("after an error the decoder keeps throwing it")
    func stuckAfterError() {
        var decoder = HTTPRequestDecoder()
        var buffer = ByteBuffer(string: "GET / HTTP/1.1\r\nHost : h\r\n\r\n")
        #expect(throws: HTTPParserError(.whitespaceBeforeColon)) { try decoder.decode(&buffer) }
        buffer.writeString("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(throws: HTTPParserError(.whitespaceBeforeColon)) { try decoder.decode(&buffer) }
        #expect(!decoder.isIdle)
    }

    @Test("a close between requests is clean; a close inside one is a truncated message")
    func endOfFile() {
        let clean = decodeRequests("GET / HTTP/1.1\r\nHost: h\r\n\r\n", atEOF: true)
        #expect(clean.error == nil)
        #expect(clean.parts.count == 2)
        let midHead = decodeRequests("GET / HTTP/1.1\r\nHo", atEOF: true)
        #expect(midHead.error?.code == .truncatedMessage)
        let midBody = decodeRequests("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab", atEOF: true)
        #expect(midBody.error?.code == .truncatedMessage)
        #expect(midBody.parts.compactMap(\.bodyText) == ["ab"])
    }
}
