import Core
import HTTP
import Testing

@testable import Balancer

@Suite struct HeadRewriterTests {
    private func requestHead(_ fields: [(String, String)], method: HTTPMethod = .GET) -> HTTPRequestHead {
        HTTPRequestHead(
            method: method, target: "/a?b=1", headers: HTTPHeaders(fields.map { (name: $0.0, value: $0.1) }))
    }

    @Test("the forwarded request keeps end-to-end fields, drops hop-by-hop ones and those Connection names")
    func request() {
        let rewriter = HeadRewriter(servedByHeader: "X-Served-By")
        var out = ByteBuffer()
        var keyed = false
        let id = rewriter.writeRequestHead(
            requestHead([
                ("Host", "shop"), ("Connection", "Keep-Alive, X-Hop"), ("X-Hop", "1"), ("Upgrade", "h2c"),
                ("TE", "trailers"), ("Accept", "*/*"), ("Idempotency-Key", "k"), ("Content-Length", "5"),
                ("X-Forwarded-For", "10.0.0.1"), ("X-Forwarded-Proto", "https"),
            ]), clientHost: "127.0.0.9", framing: .length(5), into: &out, hasIdempotencyKey: &keyed, newID: { "new-id" }
        )
        #expect(id == "new-id" && keyed)
        #expect(
            out.description
                == "GET /a?b=1 HTTP/1.1\r\nHost: shop\r\nAccept: */*\r\nIdempotency-Key: k\r\n"
                + "X-Forwarded-For: 10.0.0.1, 127.0.0.9\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: shop\r\n"
                + "X-Request-ID: new-id\r\nContent-Length: 5\r\n\r\n")
    }

    @Test("a sensible incoming request id is kept; a bad one is replaced")
    func requestID() {
        let rewriter = HeadRewriter(servedByHeader: nil)
        var out = ByteBuffer()
        var keyed = false
        #expect(
            rewriter.writeRequestHead(
                requestHead([("Host", "h"), ("X-Request-ID", "abc-1")]), clientHost: "c", framing: .none, into: &out,
                hasIdempotencyKey: &keyed, newID: { "new" }) == "abc-1")
        #expect(
            rewriter.writeRequestHead(
                requestHead([("Host", "h"), ("X-Request-ID", "has space")]), clientHost: "c", framing: .none,
                into: &out, hasIdempotencyKey: &keyed, newID: { "new" }) == "new")
        #expect(!keyed)
    }

    @Test("the client's answer names the upstream, carries our framing, and keeps a HEAD's Content-Length")
    func response() {
        let rewriter = HeadRewriter(servedByHeader: "X-Served-By")
        let head = HTTPResponseHead(
            status: .ok,
            headers: [
                "Content-Type": "text/plain", "Transfer-Encoding": "chunked", "Connection": "keep-alive",
                "X-Served-By": "spoofed", "Keep-Alive": "timeout=5",
            ])
        var out = ByteBuffer()
        rewriter.writeResponseHead(
            head, framing: .chunked, isBodiless: false, servedBy: "api-2", requestID: "r1", keepAlive: true,
            announceKeepAlive: false, into: &out)
        #expect(
            out.description
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Served-By: api-2\r\nX-Request-ID: r1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n")

        var headAnswer = ByteBuffer()
        rewriter.writeResponseHead(
            HTTPResponseHead(status: .ok, headers: ["Content-Length": "42", "X-Request-ID": "r1"]), framing: .none,
            isBodiless: true, servedBy: "api-1", requestID: "r1", keepAlive: false, announceKeepAlive: false,
            into: &headAnswer)
        #expect(
            headAnswer.description
                == "HTTP/1.1 200 OK\r\nContent-Length: 42\r\nX-Request-ID: r1\r\nX-Served-By: api-1\r\nConnection: close\r\n\r\n"
        )
    }

    @Test("names are classified whatever their case; near misses are other fields")
    func classify() {
        func kind(_ name: String) -> HeadRewriter.FieldKind {
            Array(name.utf8).withUnsafeBytes { HeadRewriter.classify($0) }
        }
        #expect(kind("TRANSFER-ENCODING") == .framing && kind("content-length") == .framing)
        #expect(
            kind("Connection") == .hopByHop && kind("keep-alive") == .hopByHop && kind("Proxy-Connection") == .hopByHop)
        #expect(kind("te") == .hopByHop && kind("Upgrade") == .hopByHop && kind("Trailer") == .hopByHop)
        #expect(kind("x-forwarded-host") == .forwardedHost && kind("X-Forwarded-Proto") == .forwardedProto)
        #expect(kind("Idempotency-Key") == .idempotencyKey && kind("x-request-id") == .requestID)
        #expect(kind("Content-Lengtx") == .other && kind("connectioN2") == .other && kind("tf") == .other)
    }
}
