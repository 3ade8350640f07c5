import Core
import HTTP
import Reactor
import TestSupport
import Testing

@testable import Balancer

@Suite("proxy: relaying, headers, framing")
struct ProxyTests {
    @Test("requests alternate between two upstreams and the answer names the one that served it")
    func roundRobin() async throws {
        let a = try await Backend.start("a")
        let b = try await Backend.start("b")
        defer {
            Task {
                await a.stop(); await b.stop()
            }
        }
        try await withBalancer(upstreams: [a.address, b.address]) { _, address in
            let client = try RawClient(address)
            var servedBy: [String] = []
            for _ in 0..<4 {
                try await client.send("GET / HTTP/1.1\r\nHost: shop\r\n\r\n")
                let response = try #require(try await client.readResponse())
                #expect(response.status == 200)
                servedBy.append(response.header("X-Served-By") ?? "")
                #expect(response.bodyText == "hello from \(response.header("X-Backend") ?? "?")\n")
            }
            #expect(Set(servedBy) == [a.address.description, b.address.description])
            #expect(servedBy[0] != servedBy[1] && servedBy[0] == servedBy[2])
        }
    }

    @Test("forwarding headers are added, the request id kept, hop-by-hop fields dropped")
    func forwardingHeaders() async throws {
        let a = try await Backend.start("a")
        defer { Task { await a.stop() } }
        try await withBalancer(upstreams: [a.address]) { _, address in
            let response = try #require(
                try await rawRequest(
                    "GET /headers HTTP/1.1\r\nHost: shop.example\r\nX-Request-ID: abc-123\r\n"
                        + "X-Forwarded-For: 10.1.2.3\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n"
                        + "Keep-Alive: timeout=5\r\nTE: trailers\r\n\r\n", to: address))
            let seen = response.bodyText
            #expect(seen.contains("x-forwarded-for: 10.1.2.3, 127.0.0.1\n"))
            #expect(seen.contains("x-forwarded-proto: http\n"))
            #expect(seen.contains("x-forwarded-host: shop.example\n"))
            #expect(seen.contains("x-request-id: abc-123\n"))
            #expect(seen.contains("host: shop.example\n"))
            #expect(!seen.contains("x-secret") && !seen.contains("keep-alive") && !seen.contains("te:"))
            #expect(response.header("X-Request-ID") == "abc-123")

            let generated = try #require(try await rawRequest("GET /headers HTTP/1.1\r\nHost: h\r\n\r\n", to: address))
            let id = try #require(generated.header("X-Request-ID"))
            #expect(id.count == 32)
            #expect(generated.bodyText.contains("x-request-id: \(id)\n"))
        }
    }

    @Test("bodies cross both ways: fixed length and chunked requests, a streamed chunked answer")
    func bodies() async throws {
        let a = try await Backend.start("a")
        defer { Task { await a.stop() } }
        try await withBalancer(upstreams: [a.address]) { _, address in
            let big = String(repeating: "0123456789abcdef", count: 64 * 1024)  // 1 MiB
            let client = try RawClient(address)
            try await client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: \(big.utf8.count)\r\n\r\n" + big)
            let echoed = try #require(try await client.readResponse(to: .POST, timeout: .seconds(10 as Int64)))
            #expect(echoed.status == 200 && echoed.body.readableBytes == big.utf8.count && echoed.bodyText == big)

            try await client.send(
                "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
            )
            let chunked = try #require(try await client.readResponse(to: .POST))
            #expect(chunked.bodyText == "hello world")

            try await client.send("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n")
            let streamed = try #require(try await client.readResponse())
            #expect(streamed.header("Transfer-Encoding") == "chunked")
            #expect(streamed.bodyText.hasPrefix("line 0\nline 1\n") && streamed.bodyText.hasSuffix("line 99\n"))
        }
    }

    @Test("HEAD answers have no body and pipelined requests are answered in order")
    func headAndPipelining() async throws {
        let a = try await Backend.start("a")
        defer { Task { await a.stop() } }
        try await withBalancer(upstreams: [a.address]) { _, address in
            let client = try RawClient(address)
            try await client.send(
                "HEAD / HTTP/1.1\r\nHost: h\r\n\r\nGET /headers HTTP/1.1\r\nHost: one\r\n\r\nGET /headers HTTP/1.1\r\nHost: two\r\n\r\n"
            )
            let head = try #require(try await client.readResponse(to: .HEAD))
            #expect(head.status == 200 && head.body.readableBytes == 0)
            let first = try #require(try await client.readResponse())
            let second = try #require(try await client.readResponse())
            #expect(first.bodyText.contains("host: one") && second.bodyText.contains("host: two"))
        }
    }

    @Test("malformed, oversized and smuggling-shaped requests get a 4xx and the connection closes")
    func badRequests() async throws {
        let a = try await Backend.start("a")
        defer { Task { await a.stop() } }
        try await withBalancer(
            upstreams: [a.address],
            configure: { options in
                options.settings.requestLimits = HTTPDecoderLimits(maxHeaderBytes: 1024, maxBodySize: 100)
            }
        ) { _, address in
            let cases: [(String, Int)] = [
                ("GARBAGE\r\n\r\n", 400),
                ("GET / HTTP/1.1\r\nHost: h\r\nX-Big: \(String(repeating: "x", count: 2000))\r\n\r\n", 431),
                ("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n", 413),
                ("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                ("GET / HTTP/1.1\r\n\r\n", 400),
            ]
            for (request, status) in cases {
                let client = try RawClient(address)
                try await client.send(request)
                let response = try #require(try await client.readResponse(), "no answer to \(request.prefix(30))")
                #expect(response.status == status, "\(request.prefix(40))")
                #expect(try await client.readUntilClosed())
            }
            #expect(a.requests.load(ordering: .relaxed) == 0)
        }
    }
}
