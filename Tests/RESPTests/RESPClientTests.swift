import Core
import RESP
import Reactor
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Polls `condition` until it holds or `timeout` passes, without blocking a cooperative thread.
func eventually(
    timeout: TimeAmount = .seconds(5 as Int64), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = Instant.now + timeout
    while Instant.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return try await condition()
}

/// The `RESPClientError` that `body` throws, or nil (recording an issue) when it does not.
func failure<T>(_ body: () async throws -> T) async -> RESPClientError? {
    do {
        let value = try await body()
        Issue.record("expected a RESPClientError, got \(value)")
        return nil
    } catch {
        guard let error = error as? RESPClientError else {
            Issue.record("expected a RESPClientError, got \(error)")
            return nil
        }
        return error
    }
}

/// Runs `body` with a fake server and a client of it, then closes both.
func withFakeServer<T>(
    password: String? = nil, client configuration: RESPClient.Configuration = RESPClient.Configuration(),
    _ body: (FakeRESPServer, RESPClient) async throws -> T
) async throws -> T {
    let server = try await FakeRESPServer(password: password)
    defer { server.stop() }
    let client = try RESPClient(address: server.address, configuration: configuration)
    defer { client.close() }
    return try await body(server, client)
}

@Suite(.timeLimit(.minutes(1))) struct RESPClientTests {
    @Test("PING and ECHO make the round trip")
    func pingAndEcho() async throws {
        try await withFakeServer { (server, client) async throws in
            #expect(try await client.send("PING") == .simpleString("PONG"))
            #expect(try await client.send("ECHO", "hello") == .bulkString("hello"))
            #expect(try await client.send("ECHO", "binary\r\n\0safe") == .bulkString("binary\r\n\0safe"))
            #expect(try await client.send("ECHO", "") == .bulkString(""))
            #expect(server.acceptedCount == 1)
        }
    }

    @Test("a pipeline of 1000 commands returns the replies in order")
    func pipelineInOrder() async throws {
        try await withFakeServer { (_, client) async throws in
            let commands = (0..<1000).map { ["ECHO", "value-\($0)"] }
            let replies = try await client.pipeline(commands)
            #expect(replies == (0..<1000).map { .bulkString("value-\($0)") })
        }
    }

    @Test("an empty pipeline returns no replies")
    func emptyPipeline() async throws {
        try await withFakeServer { (_, client) async throws in
            #expect(try await client.pipeline([]).isEmpty)
            #expect(try await client.send("PING") == .simpleString("PONG"))
        }
    }

    @Test("concurrent sends from many tasks each get their own reply over one connection")
    func concurrentSends() async throws {
        try await withFakeServer { (server, client) async throws in
            try await withThrowingTaskGroup(of: (Int, RESPValue).self) { group in
                for index in 0..<200 {
                    group.addTask { (index, try await client.send("ECHO", "task-\(index)")) }
                }
                for try await (index, reply) in group {
                    #expect(reply == .bulkString("task-\(index)"))
                }
            }
            #expect(server.acceptedCount == 1)
        }
    }

    @Test("AUTH with the right password is sent first and lets commands through")
    func authRight() async throws {
        try await withFakeServer(password: "s3cret", client: .init(password: "s3cret")) {
            (server, client) async throws in
            #expect(try await client.send("PING") == .simpleString("PONG"))
            #expect(server.commands == [["AUTH", "s3cret"], ["PING"]])
        }
    }

    @Test("AUTH with a username sends both")
    func authWithUsername() async throws {
        try await withFakeServer(password: "s3cret", client: .init(password: "s3cret", username: "app")) {
            (server, client) async throws in
            #expect(try await client.send("PING") == .simpleString("PONG"))
            #expect(server.commands.first == ["AUTH", "app", "s3cret"])
        }
    }

    @Test("AUTH with a wrong password fails with connectFailed, every time")
    func authWrong() async throws {
        try await withFakeServer(password: "s3cret", client: .init(password: "wrong")) {
            (server, client) async throws in
            for _ in 0..<2 {
                let error = await failure { try await client.send("PING") }
                #expect(error?.code == .connectFailed)
                #expect(error?.message.contains("WRONGPASS") == true)
            }
            #expect(!server.hasReceived("PING"))
        }
    }

    @Test("without a password, a server that requires one answers NOAUTH as a server error")
    func noPasswordGivesNoAuth() async throws {
        try await withFakeServer(password: "s3cret") { (_, client) async throws in
            let error = await failure { try await client.send("PING") }
            #expect(error?.code == .serverError)
            #expect(error?.message.hasPrefix("NOAUTH") == true)
        }
    }

    @Test("protocol version 3 says HELLO 3 with the credentials and gets RESP3 replies")
    func resp3Hello() async throws {
        let configuration = RESPClient.Configuration(password: "s3cret", protocolVersion: 3)
        try await withFakeServer(password: "s3cret", client: configuration) { (server, client) async throws in
            #expect(try await client.send("PING") == .simpleString("PONG"))
            #expect(server.commands.first == ["HELLO", "3", "AUTH", "default", "s3cret"])
            let hello = try await client.send("HELLO", "3")
            #expect(
                hello
                    == .map([
                        .init(.bulkString("server"), .bulkString("fake")), .init(.bulkString("proto"), .integer(3)),
                    ]))
        }
    }

    @Test("protocol version 3 with a wrong password fails with connectFailed")
    func resp3HelloWrongPassword() async throws {
        let configuration = RESPClient.Configuration(password: "wrong", protocolVersion: 3)
        try await withFakeServer(password: "s3cret", client: configuration) { (_, client) async throws in
            let error = await failure { try await client.send("PING") }
            #expect(error?.code == .connectFailed)
        }
    }

    @Test("a RESP3 push before a reply does not take the reply's place")
    func pushDoesNotConsumeReply() async throws {
        try await withFakeServer(client: .init(protocolVersion: 3)) { (_, client) async throws in
            let replies = try await client.pipeline([["PUSH"], ["ECHO", "after"]])
            #expect(replies == [.simpleString("OK"), .bulkString("after")])
        }
    }

    @Test("an error reply throws serverError from send but is an error value inside a pipeline")
    func errorReplies() async throws {
        try await withFakeServer { (_, client) async throws in
            let error = await failure { try await client.send("FAIL") }
            #expect(error?.code == .serverError)
            #expect(error?.message == "ERR failed on purpose")
            let replies = try await client.pipeline([["ECHO", "a"], ["FAIL"], ["ECHO", "b"]])
            #expect(replies == [.bulkString("a"), .error("ERR failed on purpose"), .bulkString("b")])
        }
    }

    @Test("a command that gets no reply times out, and the next call reconnects")
    func commandTimeout() async throws {
        try await withFakeServer(client: .init(commandTimeout: .milliseconds(200))) { (server, client) async throws in
            #expect(try await client.send("PING") == .simpleString("PONG"))
            let error = await failure { try await client.pipeline([["SLOW"], ["PING"]]) }
            #expect(error?.code == .timeout)
            #expect(try await client.send("ECHO", "again") == .bulkString("again"))
            #expect(server.acceptedCount == 2)
        }
    }

    @Test("the server closing the connection fails outstanding calls with connectionClosed; the next call reconnects")
    func serverCloses() async throws {
        try await withFakeServer { (server, client) async throws in
            #expect(try await client.send("PING") == .simpleString("PONG"))
            let outstanding = Task { await failure { try await client.send("SLOW") } }
            let pipelined = Task { await failure { try await client.pipeline([["SLOW"], ["PING"]]) } }
            #expect(await eventually { server.commands.filter { $0 == ["SLOW"] }.count == 2 })
            try await server.closeConnections()
            #expect(await outstanding.value?.code == .connectionClosed)
            #expect(await pipelined.value?.code == .connectionClosed)
            #expect(try await client.send("ECHO", "again") == .bulkString("again"))
            #expect(server.acceptedCount == 2)
        }
    }

    @Test("connecting to a port nobody listens on fails with connectFailed")
    func connectRefused() async throws {
        let server = try await FakeRESPServer()
        let address = server.address
        server.stop()
        let client = try RESPClient(address: address)
        defer { client.close() }
        #expect(await eventually { await failure { try await client.send("PING") }?.code == .connectFailed })
    }

    @Test("a client on a Unix socket works like one on TCP")
    func unixSocket() async throws {
        let path = "/tmp/evergreen-resp-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let server = try await FakeRESPServer(address: .unix(path: path))
        defer { server.stop() }
        let client = try RESPClient(address: .unix(path: path))
        defer { client.close() }
        #expect(try await client.send("ECHO", "unix") == .bulkString("unix"))
    }
}

@Suite struct RESPClientCloseTests {
    @Test("a call after close fails at once instead of hanging")
    func callAfterClose() async throws {
        let client = try RESPClient(address: SocketAddress("127.0.0.1:9")!)
        client.close()
        do {
            try await client.send("PING")
            Issue.record("a closed client answered")
        } catch {
            #expect(error.code == .connectionClosed)
        }
    }
}
