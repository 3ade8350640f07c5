import Core
import HTTP
import TestSupport
import Testing

@Suite struct HTTPRequestEncoderTests {
    let encoder = HTTPRequestEncoder()

    @Test("a request without a body is its request line and headers")
    func bodylessRequest() {
        var buffer = ByteBuffer()
        let head = HTTPRequestHead(method: .GET, target: "/a?b=c", headers: ["Host": "example.com"])
        encoder.writeRequest(head, body: nil, into: &buffer)
        #expect(buffer.description == "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\n\r\n")
    }

    @Test("a request with a body gets Content-Length; other methods and versions are spelled out")
    func requestWithBody() {
        var buffer = ByteBuffer()
        let head = HTTPRequestHead(method: .other("PURGE"), target: "/x", version: .http1_0, headers: [:])
        encoder.writeRequest(head, body: "abc", into: &buffer)
        #expect(buffer.description == "PURGE /x HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc")
    }

    @Test("encoded requests decode back to the same parts", arguments: Split.all)
    func roundTrip(split: Split) {
        var buffer = ByteBuffer()
        let get = HTTPRequestHead(method: .GET, target: "/", headers: ["Host": "h", "Accept": "*/*"])
        encoder.writeRequest(get, body: nil, into: &buffer)
        let post = HTTPRequestHead(method: .POST, target: "/submit", headers: ["Host": "h"])
        encoder.writeRequest(post, body: "payload", into: &buffer)
        let put = HTTPRequestHead(method: .PUT, target: "/stream", headers: ["Host": "h", "Expect": "100-continue"])
        encoder.writeHead(put, body: .chunked, into: &buffer)
        encoder.writeChunk("part 1;", into: &buffer)
        encoder.writeChunk("part 2", into: &buffer)
        encoder.writeLastChunk(into: &buffer)

        let decoded = decodeRequests(buffer.description, split: split)
        #expect(decoded.error == nil)
        var expectedPost = post
        expectedPost.headers.add(name: "Content-Length", value: "7")
        var expectedPut = put
        expectedPut.headers.add(name: "Transfer-Encoding", value: "chunked")
        #expect(
            decoded.parts == [
                .head(get), .end, .head(expectedPost), .body("payload"), .end, .head(expectedPut),
                .body("part 1;part 2"), .end,
            ])
        #expect(decoded.parts[5].head?.expectsContinue == true)
    }
}
