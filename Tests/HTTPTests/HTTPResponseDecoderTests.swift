import Core
import HTTP
import TestSupport
import Testing

@Suite struct HTTPResponseDecoderTests {
    @Test("a Content-Length response decodes to head, body and end", arguments: Split.all)
    func contentLength(split: Split) throws {
        let decoded = decodeResponses(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello", split: split)
        #expect(decoded.error == nil)
        let head = try #require(decoded.parts.first?.head)
        #expect(head.status == .ok)
        #expect(head.reason == "OK")
        #expect(head.headers.first(name: "content-type") == "text/plain")
        #expect(head.isKeepAlive)
        #expect(decoded.parts.dropFirst().map(\.bodyText) == ["hello", nil])
        #expect(decoded.parts.last == .end)
    }

    @Test("a chunked response decodes to its data", arguments: Split.all)
    func chunked(split: Split) {
        let decoded = decodeResponses(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n4\r\ndefg\r\n0\r\nT: 1\r\n\r\n",
            split: split)
        #expect(decoded.error == nil)
        #expect(decoded.parts.compactMap(\.bodyText) == ["abcdefg"])
        #expect(decoded.parts.last == .end)
    }

    @Test("a response without a length runs until the connection closes", arguments: Split.all)
    func untilClose(split: Split) {
        let decoded = decodeResponses("HTTP/1.0 200 OK\r\n\r\nall of this is body", split: split, atEOF: true)
        #expect(decoded.error == nil)
        #expect(decoded.parts.compactMap(\.bodyText) == ["all of this is body"])
        #expect(decoded.parts.last == .end)
        let open = decodeResponses("HTTP/1.1 200 OK\r\n\r\npartial", split: split)
        #expect(open.parts.last != .end)
    }

    @Test("interim 1xx responses are skipped", arguments: Split.all)
    func interimSkipped(split: Split) {
        let decoded = decodeResponses(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", split: split)
        #expect(decoded.error == nil)
        #expect(decoded.parts.count == 2)
        #expect(decoded.parts.first?.head?.status == .created)
    }

    @Test("101 Switching Protocols ends HTTP and leaves the following bytes alone")
    func upgrade() throws {
        var decoder = HTTPResponseDecoder()
        decoder.expectResponse(to: .GET)
        var buffer = ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u{81}\u{0}")
        #expect(try decoder.decode(&buffer)?.head?.status == .switchingProtocols)
        #expect(try decoder.decode(&buffer) == .end)
        #expect(try decoder.decode(&buffer) == nil)
        #expect(decoder.isUpgraded)
        #expect(buffer.readableBytes == 3)
    }

    @Test("responses to HEAD, and 204 and 304 responses, have no body", arguments: Split.all)
    func noBody(split: Split) {
        let input =
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
            + "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let decoded = decodeResponses(input, methods: [.HEAD, .DELETE, .GET, .GET], split: split)
        #expect(decoded.error == nil)
        #expect(decoded.parts.compactMap(\.head?.status.code) == [200, 204, 304, 200])
        #expect(decoded.parts.compactMap(\.bodyText) == ["ok"])
        #expect(decoded.parts.filter { $0 == .end }.count == 4)
    }

    @Test("pipelined responses follow the queued methods", arguments: Split.all)
    func pipelined(split: Split) {
        let input =
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc"
        let decoded = decodeResponses(input, methods: [.GET, .HEAD, .GET], split: split)
        #expect(decoded.error == nil)
        #expect(decoded.parts.compactMap(\.bodyText) == ["a", "c"])
    }

    @Test("a missing reason phrase, a custom one and an unknown code are accepted")
    func statusLines() {
        #expect(decodeResponses("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").parts.first?.head?.reason == "")
        let custom = decodeResponses("HTTP/1.1 404 Nothing Here\r\nContent-Length: 0\r\n\r\n").parts.first?.head
        #expect(custom?.reason == "Nothing Here")
        #expect(custom?.status == .notFound)
        let odd = decodeResponses("HTTP/1.1 599 Odd\r\nContent-Length: 0\r\n\r\n").parts.first?.head
        #expect(odd?.status.code == 599)
    }

    @Test(
        "malformed responses are rejected, answered 502 by a proxy",
        arguments: [
            ("HTTP/1.1 20 OK\r\n\r\n", HTTPParserError.Code.invalidStatusLine),
            ("HTTP/1.1 abc OK\r\n\r\n", .invalidStatusLine),
            ("HTTP/1.1 099 Low\r\n\r\n", .invalidStatusLine),
            ("HTTP/1.1 200 O\u{1}K\r\n\r\n", .invalidStatusLine),
            ("HTTP/2 200 OK\r\n\r\n", .invalidStatusLine),
            ("HTTP/3.0 200 OK\r\n\r\n", .unsupportedVersion),
            ("ICY 200 OK\r\n\r\n", .invalidStatusLine),
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                .contentLengthWithTransferEncoding
            ),
            ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .conflictingContentLength),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", .invalidChunkSize),
            ("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", .bareLineFeed),
            ("HTTP/1.1 200 OK\r\nX : y\r\n\r\n", .whitespaceBeforeColon),
            ("HTTP/1.1 200 OK\r\nX: y\r\n z\r\n\r\n", .obsoleteLineFolding),
        ])
    func malformed(input: String, code: HTTPParserError.Code) {
        let decoded = decodeResponses(input)
        #expect(decoded.error?.code == code)
        #expect(decoded.error?.status == .badGateway)
        #expect(decoded.error?.message.hasPrefix("unable to parse response: ") == true)
    }

    @Test("response limits apply: long status line, big headers, big body")
    func limits() {
        let limits = HTTPDecoderLimits(maxStartLineLength: 32, maxHeaderBytes: 64, maxBodySize: 4)
        let longLine = decodeResponses("HTTP/1.1 200 " + String(repeating: "O", count: 40) + "\r\n\r\n", limits: limits)
        #expect(longLine.error?.code == .startLineTooLong)
        let bigHeaders = decodeResponses(
            "HTTP/1.1 200 OK\r\nX: " + String(repeating: "v", count: 80) + "\r\n\r\n", limits: limits)
        #expect(bigHeaders.error?.code == .headersTooLarge)
        let bigBody = decodeResponses("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", limits: limits)
        #expect(bigBody.error?.code == .bodyTooLarge)
        let bigStream = decodeResponses("HTTP/1.1 200 OK\r\n\r\n12345", limits: limits)
        #expect(bigStream.error?.code == .bodyTooLarge)
    }

    @Test("a close mid-response is a truncated message; a close between responses is clean")
    func endOfFile() {
        #expect(decodeResponses("", atEOF: true).error == nil)
        #expect(decodeResponses("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", atEOF: true).error == nil)
        #expect(decodeResponses("HTTP/1.1 200 OK\r\nCont", atEOF: true).error?.code == .truncatedMessage)
        let short = decodeResponses("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc", atEOF: true)
        #expect(short.error?.code == .truncatedMessage)
        let chunk = decodeResponses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab", atEOF: true)
        #expect(chunk.error?.code == .truncatedMessage)
    }
}
