import Core
import Reactor
import Synchronization
import TestSupport
import Testing

@testable import HTTP

@Suite struct HTTPStreamingTests {
    @Test("a streamed answer reaches the client chunk by chunk, then the connection serves the next request")
    func streamedAnswer() async throws {
        var router = Router()
        router.get("/stream") { _, responder in
            responder.startStream(HTTPResponseHead(status: .ok, headers: ["Content-Type": "text/plain"]))
            var sent = 0
            func next() {
                sent += 1
                responder.writeChunk(ByteBuffer(string: "line \(sent)\n"))
                if sent == 3 {
                    responder.finish()
                } else {
                    responder.loop.schedule(after: .milliseconds(20)) { next() }
                }
            }
            next()
        }
        router.get("/after") { _, responder in responder.respond(.text("after\n")) }
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(address: SocketAddress("127.0.0.1:0")!, loopCount: 1), router: router
        )
        let address = try await server.start()
        let client = try HTTPClient()
        let chunks = Mutex<[String]>([])
        let head = try await client.stream(HTTPClientRequest(target: "/stream"), to: address) { _, chunk in
            chunks.withLock { $0.append(chunk.description) }
        }
        #expect(head.status == .ok)
        #expect(head.headers.first(name: "Transfer-Encoding") == "chunked")
        #expect(chunks.withLock { $0.joined() } == "line 1\nline 2\nline 3\n")
        let after = try await client.get("/after", from: address)
        #expect(after.bodyText == "after\n")
        client.shutdown()
        await server.shutdown(gracePeriod: .milliseconds(100))
    }
}
