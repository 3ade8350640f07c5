import Core
import HTTP
import TestSupport
import Testing

@Suite struct HTTPResponseEncoderTests {
    let encoder = HTTPResponseEncoder()

    @Test("a complete response gets its status line, headers and Content-Length")
    func completeResponse() {
        var buffer = ByteBuffer()
        let head = HTTPResponseHead(status: .ok, headers: ["Content-Type": "text/plain"])
        encoder.writeResponse(head, body: "Hello, World!", into: &buffer)
        #expect(
            buffer.description
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!")
    }

    @Test(
        "Content-Length is written in decimal for one-digit to nineteen-digit lengths",
        arguments: [7, 10, 99_999, Int.max])
    func contentLengthDigits(length: Int) {
        var buffer = ByteBuffer()
        encoder.writeHead(HTTPResponseHead(status: .ok), body: .length(length), into: &buffer)
        #expect(buffer.description == "HTTP/1.1 200 OK\r\nContent-Length: \(length)\r\n\r\n")
    }

    @Test("custom reasons, unregistered codes and HTTP/1.0 are written out in full")
    func statusLines() {
        var buffer = ByteBuffer()
        encoder.writeHead(HTTPResponseHead(status: .notFound, reason: "Gone Fishing"), body: .none, into: &buffer)
        encoder.writeHead(HTTPResponseHead(status: HTTPResponseStatus(code: 599)), body: .none, into: &buffer)
        encoder.writeHead(HTTPResponseHead(version: .http1_0, status: .ok), body: .length(0), into: &buffer)
        #expect(
            buffer.description
                == "HTTP/1.1 404 Gone Fishing\r\n\r\nHTTP/1.1 599 \r\n\r\nHTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
    }

    @Test("line breaks in a reason phrase are dropped rather than splitting the response")
    func reasonSanitised() {
        var buffer = ByteBuffer()
        encoder.writeHead(HTTPResponseHead(status: .ok, reason: "O\r\nX: y"), body: .none, into: &buffer)
        #expect(buffer.description == "HTTP/1.1 200 OX: y\r\n\r\n")
    }

    @Test("a framing header the caller set is kept, and none is added")
    func callerFraming() {
        var buffer = ByteBuffer()
        let head = HTTPResponseHead(status: .ok, headers: ["content-length": "3"])
        encoder.writeHead(head, body: .length(3), into: &buffer)
        #expect(buffer.description == "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n")
    }

    @Test("1xx and 204 responses never get a framing header")
    func noFramingForBodylessStatuses() {
        var buffer = ByteBuffer()
        encoder.writeHead(HTTPResponseHead(status: .noContent), body: .length(0), into: &buffer)
        encoder.writeHead(HTTPResponseHead(status: .continue), body: .chunked, into: &buffer)
        #expect(buffer.description == "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n")
    }

    @Test("a chunked response is framed in hexadecimal sizes and ends with a last chunk")
    func chunkedResponse() {
        var buffer = ByteBuffer()
        encoder.writeHead(HTTPResponseHead(status: .ok), body: .chunked, into: &buffer)
        encoder.writeChunk("hello", into: &buffer)
        encoder.writeChunk("", into: &buffer)
        encoder.writeChunk(ByteBuffer(string: String(repeating: "x", count: 26)), into: &buffer)
        encoder.writeLastChunk(into: &buffer)
        #expect(
            buffer.description
                == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1a\r\n"
                + String(repeating: "x", count: 26) + "\r\n0\r\n\r\n")
    }

    @Test("encoded responses decode back to the same parts", arguments: Split.all)
    func roundTrip(split: Split) {
        var buffer = ByteBuffer()
        let first = HTTPResponseHead(status: .ok, headers: ["Server": "evergreen", "X-Dup": "1", "x-dup": "2"])
        encoder.writeResponse(first, body: "first body", into: &buffer)
        let second = HTTPResponseHead(status: .created, headers: ["Location": "/things/1"])
        encoder.writeHead(second, body: .chunked, into: &buffer)
        for piece in ["chunk one, ", "chunk two"] { encoder.writeChunk(ByteBuffer(string: piece), into: &buffer) }
        encoder.writeLastChunk(trailers: ["X-Checksum": "abc"], into: &buffer)
        let third = HTTPResponseHead(status: .notModified, headers: ["ETag": "\"v1\""])
        encoder.writeResponse(third, body: nil, into: &buffer)

        let decoded = decodeResponses(buffer.description, split: split)
        #expect(decoded.error == nil)
        var expectedFirst = first
        expectedFirst.headers.add(name: "Content-Length", value: "10")
        var expectedSecond = second
        expectedSecond.headers.add(name: "Transfer-Encoding", value: "chunked")
        #expect(
            decoded.parts == [
                .head(expectedFirst), .body("first body"), .end, .head(expectedSecond),
                .body("chunk one, chunk two"), .end, .head(third), .end,
            ])
    }
}
