import Core
import HTTP
import Reactor
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct HTTPClientTests {
    private static let okResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    @Test("connecting to a port nobody listens on fails with connectFailed")
    func connectRefused() async throws {
        let address = SocketAddress(host: "127.0.0.1", port: closedLoopbackPort())!
        try await withClient { client, _ in
            let error = await failure { try await client.get("/", from: address) }
            #expect(error?.code == .connectFailed)
            #expect(error?.message.contains("unable to connect to \(address)") == true)
        }
    }

    @Test("connecting to a Unix socket path that does not exist fails with connectFailed")
    func connectMissingUnixPath() async throws {
        let address = SocketAddress.unix(path: temporarySocketPath("missing"))
        try await withClient { client, _ in
            let error = await failure { try await client.get("/", from: address) }
            #expect(error?.code == .connectFailed)
        }
    }

    @Test("a response that does not come in time fails with readTimeout and the connection is dropped")
    func readTimeout() async throws {
        let routes = TestRoutes()
        try await withServer(router: routes.router) { _, address in
            try await withClient(configuration: HTTPClientConfiguration(readTimeout: .milliseconds(200))) {
                client, loop in
                let error = await failure { try await client.get("/held", from: address) }
                #expect(error?.code == .readTimeout)
                let idle = try await loop.submit { client.pool(on: loop).idleCount(for: address) }
                #expect(idle == 0)
                // The client still works afterwards, on a new connection.
                let response = try await client.get("/hello", from: address)
                #expect(response.bodyText == "hello")
            }
        }
    }

    @Test("a pooled connection the server closed for idleness is replaced for the next GET")
    func serverIdleCloseReplaced() async throws {
        let routes = TestRoutes()
        // Long enough that a loaded machine (the whole suite on 2 cores) still sees the idle connection
        // before the server's sweep closes it.
        try await withServer(configure: { $0.idleTimeout = .seconds(4 as Int64) }, router: routes.router) {
            _, address in
            try await withClient { client, loop in
                _ = try await client.get("/count", from: address)
                let idleCount = { @Sendable in try await loop.submit { client.pool(on: loop).idleCount(for: address) } }
                #expect(try await idleCount() == 1)
                // The server's sweep closes it; the pool sees the EOF and forgets the connection.
                #expect(try await eventually(timeout: .seconds(20 as Int64)) { try await idleCount() == 0 })
                let response = try await client.get("/count", from: address)
                #expect(response.bodyText == "counted")
                #expect(routes.connections.count == 2)
            }
        }
    }

    @Test("a GET on a pooled connection closed before any answer byte is retried on a new connection")
    func staleConnectionRetriedForGet() async throws {
        let server = try await ScriptedServer { connection, request, _ in
            connection == 0 && request == 1 ? .close : .send(Self.okResponse)
        }
        defer { server.stop() }
        try await withClient { client, _ in
            let body = try await client.get("/a", from: server.address).bodyText
            #expect(body == "ok")
            let second = try await client.get("/b", from: server.address).bodyText
            #expect(second == "ok")
            #expect(server.acceptedCount == 2)
            #expect(server.requestCount == 3)
        }
    }

    @Test("a POST on a pooled connection closed before any answer byte is not retried")
    func staleConnectionNotRetriedForPost() async throws {
        let server = try await ScriptedServer { connection, request, _ in
            connection == 0 && request == 1 ? .close : .send(Self.okResponse)
        }
        defer { server.stop() }
        try await withClient { client, _ in
            let body = try await client.get("/a", from: server.address).bodyText
            #expect(body == "ok")
            let error = await failure {
                try await client.execute(HTTPClientRequest(method: .POST, target: "/b"), to: server.address)
            }
            #expect(error?.code == .connectionClosed)
            #expect(server.acceptedCount == 1)
        }
    }

    @Test("a POST body arrives intact and comes back", arguments: [11, 1 << 20])
    func postBodyIntact(size: Int) async throws {
        try await withServer(router: TestRoutes().router) { _, address in
            try await withClient { client, _ in
                let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
                let request = HTTPClientRequest(method: .POST, target: "/echo", body: ByteBuffer(bytes: bytes))
                let response = try await client.execute(request, to: address)
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == size)
                #expect(response.body.readableBytesArray == bytes)
            }
        }
    }

    @Test("an empty POST is sent with Content-Length 0")
    func emptyPost() async throws {
        let server = try await ScriptedServer { _, _, head in
            head.contains("\r\nContent-Length: 0\r\n")
                ? .send(Self.okResponse) : .sendAndClose("HTTP/1.1 400 Bad\r\n\r\n")
        }
        defer { server.stop() }
        try await withClient { client, _ in
            let response = try await client.execute(HTTPClientRequest(method: .POST, target: "/"), to: server.address)
            #expect(response.status == .ok)
        }
    }

    @Test("a chunked response is decoded and the connection is kept")
    func chunkedResponse() async throws {
        let chunked =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "7\r\nchunked\r\n1;name=value\r\n \r\nC\r\nis decoded.\n\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let server = try await ScriptedServer { _, _, _ in .send(chunked) }
        defer { server.stop() }
        try await withClient { client, loop in
            for _ in 0..<2 {
                let response = try await client.get("/", from: server.address)
                #expect(response.bodyText == "chunked is decoded.\n")
            }
            #expect(server.acceptedCount == 1)
            let idle = try await loop.submit { client.pool(on: loop).idleCount(for: server.address) }
            #expect(idle == 1)
        }
    }

    @Test("a response without a length is read until the server closes")
    func closeDelimitedResponse() async throws {
        let server = try await ScriptedServer { _, _, _ in
            .sendAndClose("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nread to the end")
        }
        defer { server.stop() }
        try await withClient { client, loop in
            let response = try await client.get("/", from: server.address)
            #expect(response.bodyText == "read to the end")
            let idle = try await loop.submit { client.pool(on: loop).idleCount(for: server.address) }
            #expect(idle == 0)
        }
    }

    @Test("a response with Connection: close is not pooled")
    func closeResponseNotPooled() async throws {
        let server = try await ScriptedServer { _, _, _ in
            .sendAndClose("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
        }
        defer { server.stop() }
        try await withClient { client, loop in
            let body = try await client.get("/", from: server.address).bodyText
            #expect(body == "ok")
            let second = try await client.get("/", from: server.address).bodyText
            #expect(second == "ok")
            #expect(server.acceptedCount == 2)
            let idle = try await loop.submit { client.pool(on: loop).idleCount(for: server.address) }
            #expect(idle == 0)
        }
    }

    @Test("a response cut off in its body fails with connectionClosed")
    func truncatedBody() async throws {
        let server = try await ScriptedServer { _, _, _ in
            .sendAndClose("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
        }
        defer { server.stop() }
        try await withClient { client, _ in
            let error = await failure { try await client.get("/", from: server.address) }
            #expect(error?.code == .connectionClosed || error?.code == .invalidResponse)
        }
    }

    @Test("a response that breaks the protocol fails with invalidResponse")
    func invalidResponse() async throws {
        let server = try await ScriptedServer { _, _, _ in .send("SMTP ready\r\n\r\n") }
        defer { server.stop() }
        try await withClient { client, _ in
            let error = await failure { try await client.get("/", from: server.address) }
            #expect(error?.code == .invalidResponse)
        }
    }

    @Test("concurrent requests each get their own answer", arguments: [1, 2])
    func concurrentRequests(loops: Int) async throws {
        try await withServer(loops: loops, router: TestRoutes().router) { _, address in
            try await withClient { client, _ in
                try await withThrowingTaskGroup(of: (Int, String).self) { group in
                    for index in 0..<50 {
                        group.addTask {
                            let target = index % 2 == 0 ? "/sync/\(index)" : "/task/\(index)"
                            return (index, try await client.get(target, from: address).bodyText)
                        }
                    }
                    for try await (index, body) in group {
                        #expect(body == "\(index)")
                    }
                }
            }
        }
    }
}
