import Core
import Reactor
import TestSupport
import Testing

@testable import HTTP

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct HTTPClientShutdownTests {
    @Test("a call after shutdown fails at once instead of hanging")
    func callAfterShutdown() async throws {
        let client = try HTTPClient()
        client.shutdown()
        do {
            _ = try await client.get("/", from: SocketAddress("127.0.0.1:9")!)
            Issue.record("a shut-down client answered")
        } catch {
            #expect(error.code == .connectionClosed)
        }
    }
}
