import Core
import HTTP
import Reactor
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.timeLimit(.minutes(1))) struct HTTPServerTests {
    @Test("route parameters and query parameters reach the handler", arguments: [1, 2])
    func parametersReachHandler(loops: Int) async throws {
        let routes = TestRoutes()
        try await withServer(loops: loops, router: routes.router) { _, address in
            try await withClient { client, _ in
                let response = try await client.get("/v1/products/42%20b?color=dark+red", from: address)
                #expect(response.status == .ok)
                #expect(response.bodyText == "id=42 b color=dark red route=/v1/products/{id}")
            }
        }
    }

    @Test("an unknown path is answered 404 with a JSON error", arguments: [1, 2])
    func unknownPathIs404(loops: Int) async throws {
        try await withServer(loops: loops, router: TestRoutes().router) { _, address in
            try await withClient { client, _ in
                let response = try await client.get("/nowhere", from: address)
                #expect(response.status == .notFound)
                #expect(response.headers.first(name: "Content-Type") == "application/json")
                #expect(response.bodyText == "{\"error\":{\"code\":404,\"message\":\"no route for /nowhere\"}}\n")
            }
        }
    }

    @Test("a known path with another method is answered 405 with an Allow header")
    func otherMethodIs405() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            try await withClient { client, _ in
                let response = try await client.execute(
                    HTTPClientRequest(method: .DELETE, target: "/items"), to: address)
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers.first(name: "Allow") == "GET, HEAD, POST")
                #expect(response.bodyText == "{\"error\":{\"code\":405,\"message\":\"method DELETE not allowed\"}}\n")
            }
        }
    }

    @Test("a handler whose task throws is answered 500")
    func throwingTaskIs500() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            try await withClient { client, _ in
                let response = try await client.get("/throws", from: address)
                #expect(response.status == .internalServerError)
                #expect(response.bodyText.contains("\"code\":500"))
            }
        }
    }

    @Test("answers carry Content-Length, Date and Server headers")
    func standardHeaders() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            try await raw.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
            let response = try #require(try await raw.readResponse())
            #expect(response.header("Content-Length") == "5")
            #expect(response.header("Server") == "evergreen")
            #expect(response.header("Date")?.hasSuffix(" GMT") == true)
            #expect(response.header("Connection") == nil)
        }
    }

    @Test("several requests from the client share one kept-alive connection", arguments: [1, 2])
    func clientKeepsAlive(loops: Int) async throws {
        let routes = TestRoutes()
        try await withServer(loops: loops, router: routes.router) { _, address in
            try await withClient { client, loop in
                for _ in 0..<5 {
                    let response = try await client.get("/count", from: address)
                    #expect(response.bodyText == "counted")
                }
                #expect(routes.connections.count == 1)
                let idle = try await loop.submit { client.pool(on: loop).idleCount(for: address) }
                #expect(idle == 1)
            }
        }
    }

    @Test("a responder the handler keeps is never handed to a later request; one it drops may be")
    func keptResponderIsNotReused() async throws {
        let seen = Mutex<[(id: ObjectIdentifier, receivedAt: Instant)]>([])
        let kept = Mutex<HTTPResponder?>(nil)
        var router = Router()
        router.get("/{mode}") { request, responder in
            seen.withLock { $0.append((ObjectIdentifier(responder), responder.receivedAt)) }
            if request.pathParameters["mode"] == "keep" { kept.withLock { $0 = responder } }
            responder.respond(.text("ok"))
        }
        try await withServer(router: router) { _, address in
            let raw = try RawClient(address)
            for mode in ["keep", "drop", "next"] {
                try await raw.send("GET /\(mode) HTTP/1.1\r\nHost: test\r\n\r\n")
                let response = try #require(try await raw.readResponse())
                #expect(response.bodyText == "ok")
            }
        }
        let answers = seen.withLock { $0 }
        try #require(answers.count == 3)
        let keptResponder = try #require(kept.withLock { $0 })
        // The kept one is untouched: a different object served the later requests and its time is its own.
        #expect(answers[1].id != ObjectIdentifier(keptResponder))
        #expect(answers[2].id != ObjectIdentifier(keptResponder))
        #expect(keptResponder.receivedAt == answers[0].receivedAt)
    }

    @Test("several requests are answered one after another on one raw connection")
    func rawKeepAlive() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            for index in 0..<3 {
                try await raw.send("GET /sync/r\(index) HTTP/1.1\r\nHost: test\r\n\r\n")
                let response = try #require(try await raw.readResponse())
                #expect(response.bodyText == "r\(index)")
            }
            #expect(!raw.sawEOF)
        }
    }

    @Test("pipelined requests in one write are answered in order", arguments: [1, 2])
    func pipelinedInOrder(loops: Int) async throws {
        try await withServer(loops: loops, router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            let targets = ["/sync/a", "/task/b", "/timer/c", "/sync/d", "/nowhere", "/task/f", "/sync/g"]
            try await raw.send(targets.map { "GET \($0) HTTP/1.1\r\nHost: test\r\n\r\n" }.joined())
            var bodies: [String] = []
            for _ in targets {
                let response = try #require(try await raw.readResponse())
                bodies.append(response.status == 404 ? "404" : response.bodyText)
            }
            #expect(bodies == ["a", "b", "c", "d", "404", "f", "g"])
        }
    }

    @Test("a pipelined request waits for a late first answer and is answered after it")
    func pipelinedAfterLateAnswer() async throws {
        let routes = TestRoutes()
        try await withServer(router: routes.router) { _, address in
            let raw = try RawClient(address)
            try await raw.send(
                "GET /held HTTP/1.1\r\nHost: test\r\n\r\nGET /sync/second HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(await eventually { routes.held.count == 1 })
            let (_, responder) = try #require(routes.held.takeFirst())
            // Answered from the test's thread, not the loop's: the answer hops to the loop.
            responder.respond(.text("first"))
            let first = try #require(try await raw.readResponse())
            let second = try #require(try await raw.readResponse())
            #expect(first.bodyText == "first")
            #expect(second.bodyText == "second")
        }
    }

    @Test("many pipelined requests answered at once are all answered, in order")
    func manyPipelined() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            let count = 2000
            try await raw.send((0..<count).map { "GET /sync/\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
            for index in 0..<count {
                let response = try #require(try await raw.readResponse())
                #expect(response.bodyText == "\(index)")
                if response.bodyText != "\(index)" { break }
            }
        }
    }

    @Test("a long pipeline queued behind a late answer is served in order once it comes")
    func longPipelineBehindLateAnswer() async throws {
        let routes = TestRoutes()
        try await withServer(router: routes.router) { _, address in
            let raw = try RawClient(address)
            let count = 5000
            let queued = (0..<count).map { "GET /sync/\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined()
            try await raw.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n" + queued)
            #expect(await eventually { routes.held.count == 1 })
            let (_, responder) = try #require(routes.held.takeFirst())
            responder.respond(.text("first"))
            let first = try #require(try await raw.readResponse())
            #expect(first.bodyText == "first")
            for index in 0..<count {
                let response = try #require(try await raw.readResponse(), "no answer to request \(index)")
                if response.bodyText != "\(index)" {
                    Issue.record("request \(index) was answered \(response.bodyText)")
                    break
                }
            }
        }
    }

    @Test("a HEAD request gets the GET route's headers with Content-Length and no body")
    func headHasNoBody() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            let raw = try RawClient(address)
            // The GET after the HEAD would be misread if the HEAD answer carried a body.
            try await raw.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /sync/after HTTP/1.1\r\nHost: t\r\n\r\n")
            try await raw.read { String(decoding: $0.readableView, as: UTF8.self).contains("after") }
            let text = String(decoding: raw.received.readableView, as: UTF8.self)
            let head = try #require(try await raw.readResponse(to: .HEAD))
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "5")
            #expect(head.body.isEmpty)
            #expect(!text.contains("hello"))
            let after = try #require(try await raw.readResponse())
            #expect(after.bodyText == "after")
        }
    }

    @Test("a route written for HEAD wins over the GET route of the same path")
    func explicitHeadRoute() async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            try await withClient { client, _ in
                let head = try await client.execute(
                    HTTPClientRequest(method: .HEAD, target: "/head-aware"), to: address)
                #expect(head.headers.first(name: "X-Handler") == "head")
                #expect(head.headers.first(name: "Content-Length") == "12")
                #expect(head.body.isEmpty)
                let get = try await client.get("/head-aware", from: address)
                #expect(get.headers.first(name: "X-Handler") == "get")
                #expect(get.bodyText == "twelve bytes")
            }
        }
    }

    @Test("shutdown lets an in-flight request finish and refuses new connections")
    func gracefulShutdown() async throws {
        let routes = TestRoutes()
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(address: SocketAddress("127.0.0.1:0")!, loopCount: 2),
            router: routes.router)
        let address = try await server.start()
        let raw = try RawClient(address)
        try await raw.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(await eventually { routes.held.count == 1 })

        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(10 as Int64)) }
        // Draining: the listeners are closed, so a new connection is refused.
        let refused = await eventually {
            do {
                _ = try RawClient(address)
                return false
            } catch let error as IOError {
                return error.errnoCode == ECONNREFUSED
            } catch {
                return false
            }
        }
        #expect(refused)

        let (_, responder) = try #require(routes.held.takeFirst())
        responder.respond(.text("finished"))
        let response = try #require(try await raw.readResponse())
        #expect(response.bodyText == "finished")
        #expect(response.header("Connection") == "close")
        #expect(try await raw.readUntilClosed())
        await shutdown.value
    }

    @Test("shutdown closes idle kept-alive connections at once")
    func shutdownClosesIdle() async throws {
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(address: SocketAddress("127.0.0.1:0")!, loopCount: 1),
            router: TestRoutes().router)
        let address = try await server.start()
        let raw = try RawClient(address)
        try await raw.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try #require(try await raw.readResponse())
        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(10 as Int64)) }
        #expect(try await raw.readUntilClosed())
        await shutdown.value
    }

    @Test("a second shutdown returns at once")
    func shutdownTwice() async throws {
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(address: SocketAddress("127.0.0.1:0")!, loopCount: 2),
            router: TestRoutes().router)
        try await server.start()
        await server.shutdown(gracePeriod: .zero)
        await server.shutdown(gracePeriod: .zero)
    }

    @Test("a server on a Unix socket serves the client")
    func unixSocket() async throws {
        let path = temporarySocketPath("http")
        try await withServer(address: .unix(path: path), router: TestRoutes().router) { _, address in
            #expect(address == .unix(path: path))
            try await withClient { client, loop in
                let first = try await client.get("/v1/products/7", from: address)
                #expect(first.bodyText == "id=7 color=- route=/v1/products/{id}")
                var post = HTTPClientRequest(method: .POST, target: "/echo")
                post.body = ByteBuffer(string: "over a unix socket")
                let echoed = try await client.execute(post, to: address)
                #expect(echoed.bodyText == "over a unix socket")
                let idle = try await loop.submit { client.pool(on: loop).idleCount(for: address) }
                #expect(idle == 1)
            }
        }
        #expect(access(path, F_OK) != 0, "the socket file is removed on shutdown")
    }
}
