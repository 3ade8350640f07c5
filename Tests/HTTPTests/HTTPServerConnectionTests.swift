import Core
import HTTP
import Reactor
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct HTTPServerConnectionTests {
    @Test("Connection: close is honoured: the answer says close and the connection closes")
    func connectionClose() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            try await raw.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            let response = try #require(try await raw.readResponse())
            #expect(response.bodyText == "hello")
            #expect(response.header("Connection") == "close")
            #expect(try await raw.readUntilClosed())
        }
    }

    @Test("an HTTP/1.0 request without keep-alive is answered, then the connection closes")
    func http10Closes() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            try await raw.send("GET /hello HTTP/1.0\r\n\r\n")
            let response = try #require(try await raw.readResponse())
            #expect(response.bodyText == "hello")
            #expect(response.header("Connection") == "close")
            #expect(try await raw.readUntilClosed())
        }
    }

    @Test("an HTTP/1.0 request with keep-alive is told keep-alive and the connection stays open")
    func http10KeepAlive() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            for index in 0..<2 {
                try await raw.send("GET /sync/\(index) HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let response = try #require(try await raw.readResponse())
                #expect(response.bodyText == "\(index)")
                #expect(response.header("Connection") == "keep-alive")
            }
        }
    }

    @Test("a malformed request is answered 400 and the connection closed")
    func malformedIs400() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            try await raw.send("GET /hello HTTP/1.1\r\nHost: t\r\nBroken header line\r\n\r\n")
            let response = try #require(try await raw.readResponse())
            #expect(response.status == 400)
            #expect(response.header("Connection") == "close")
            #expect(response.bodyText.contains("\"code\":400"))
            #expect(try await raw.readUntilClosed())
        }
    }

    @Test("a request after a malformed one in the same write is never served")
    func nothingAfterMalformed() async throws {
        let routes = TestRoutes()
        try await withServer(router: routes.router) { _, address in
            let raw = try RawClient(address)
            try await raw.send("BAD\r\n\r\nGET /count HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(try await raw.readResponse())
            #expect(response.status == 400)
            #expect(try await raw.readUntilClosed())
            #expect(routes.connections.count == 0)
        }
    }

    @Test("the decoder's limits are answered 414, 431 and 413, then the connection closes")
    func limits() async throws {
        let limits = HTTPDecoderLimits(maxStartLineLength: 64, maxHeaderBytes: 512, maxHeaderCount: 4, maxBodySize: 16)
        try await withServer(configure: { $0.limits = limits }, router: TestRoutes().router) { _, address in
            let cases: [(request: String, status: Int)] = [
                ("GET /\(String(repeating: "a", count: 100)) HTTP/1.1\r\nHost: t\r\n\r\n", 414),
                ("GET /hello HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431),
                ("GET /hello HTTP/1.1\r\nHost: t\r\nBig: \(String(repeating: "b", count: 600))\r\n\r\n", 431),
                ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n", 413),
                (
                    "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n", 413
                ),
            ]
            for (request, status) in cases {
                let raw = try RawClient(address)
                try await raw.send(request)
                let response = try #require(try await raw.readResponse(), "no answer to \(request)")
                #expect(response.status == status, "for \(request)")
                #expect(response.header("Connection") == "close")
                #expect(try await raw.readUntilClosed())
            }
            // At the limit is fine.
            let raw = try RawClient(address)
            try await raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 16\r\n\r\n0123456789abcdef")
            let response = try #require(try await raw.readResponse())
            #expect(response.status == 200)
            #expect(response.bodyText == "0123456789abcdef")
        }
    }

    @Test("Expect: 100-continue is answered 100 Continue, then the final answer after the body")
    func expectContinue() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            try await raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = "HTTP/1.1 100 Continue\r\n\r\n"
            let gotInterim = try await raw.read { $0.readableBytes >= interim.utf8.count }
            #expect(gotInterim)
            #expect(String(decoding: raw.received.readableView, as: UTF8.self) == interim)
            try await raw.send("hello")
            let response = try #require(try await raw.readResponse())
            #expect(response.status == 200)
            #expect(response.bodyText == "hello")
        }
    }

    @Test("a body over the limit with Expect: 100-continue gets 413 and no 100 Continue")
    func expectContinueTooLarge() async throws {
        let limits = HTTPDecoderLimits(maxBodySize: 4)
        try await withServer(configure: { $0.limits = limits }, router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            try await raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await raw.readUntilClosed())
            #expect(String(decoding: raw.received.readableView, as: UTF8.self).hasPrefix("HTTP/1.1 413 "))
        }
    }

    @Test("a client that sends half a request head is answered 408 after the header timeout")
    func headerTimeout() async throws {
        try await withServer(configure: { $0.headerTimeout = .milliseconds(300) }, router: TestRoutes().router) {
            _, address in
            let raw = try RawClient(address)
            try await raw.send("GET /hello HTTP/1.1\r\nHost: t\r\n")
            // The sweep runs once a second.
            let response = try #require(try await raw.readResponse(timeout: .seconds(5 as Int64)))
            #expect(response.status == 408)
            #expect(response.header("Connection") == "close")
            #expect(try await raw.readUntilClosed())
        }
    }

    @Test("a client that sends a head and half its body is answered 408 after the header timeout")
    func bodyTimeout() async throws {
        try await withServer(configure: { $0.headerTimeout = .milliseconds(300) }, router: TestRoutes().router) {
            _, address in
            let raw = try RawClient(address)
            try await raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhalf")
            let response = try #require(try await raw.readResponse(timeout: .seconds(5 as Int64)))
            #expect(response.status == 408)
            #expect(try await raw.readUntilClosed())
        }
    }

    @Test("an idle kept-alive connection is closed silently after the idle timeout")
    func idleTimeoutAfterRequest() async throws {
        try await withServer(configure: { $0.idleTimeout = .milliseconds(300) }, router: TestRoutes().router) {
            _, address in
            let raw = try RawClient(address)
            try await raw.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(try await raw.readResponse())
            #expect(response.bodyText == "hello")
            #expect(try await raw.readUntilClosed())
            #expect(raw.received.isEmpty, "nothing is sent on an idle close")
        }
    }

    @Test("a connection that never sends a request is answered 408 after the idle timeout")
    func idleTimeoutWithoutRequest() async throws {
        try await withServer(configure: { $0.idleTimeout = .milliseconds(300) }, router: TestRoutes().router) {
            _, address in
            let raw = try RawClient(address)
            let response = try #require(try await raw.readResponse(timeout: .seconds(5 as Int64)))
            #expect(response.status == 408)
            #expect(try await raw.readUntilClosed())
        }
    }

    @Test("a client that half-closes after its request still gets the answer, then the close")
    func halfCloseAfterRequest() async throws {
        let routes = TestRoutes()
        try await withServer(router: routes.router) { _, address in
            let raw = try RawClient(address)
            try await raw.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(await eventually { routes.held.count == 1 })
            raw.shutdownWrite()
            let (_, responder) = try #require(routes.held.takeFirst())
            responder.respond(.text("still answered"))
            let response = try #require(try await raw.readResponse())
            #expect(response.bodyText == "still answered")
            #expect(response.header("Connection") == "close")
            #expect(try await raw.readUntilClosed())
        }
    }

    @Test("a chunked request body is gathered whole for the handler")
    func chunkedRequestBody() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            try await raw.send(
                "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: x\r\n\r\n")
            let response = try #require(try await raw.readResponse())
            #expect(response.bodyText == "hello world")
        }
    }
}
