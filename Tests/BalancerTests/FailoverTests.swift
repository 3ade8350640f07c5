import Core
import HTTP
import Reactor
import TestSupport
import Testing

@testable import Balancer

@Suite("proxy: retries, health, timeouts")
struct FailoverTests {
    @Test("a GET to an upstream that refuses connections is retried on the other: no error")
    func connectFailureRetried() async throws {
        let a = try await Backend.start("a")
        defer { Task { await a.stop() } }
        let dead = SocketAddress("127.0.0.1:\(closedLoopbackPort())")!
        try await withBalancer(upstreams: [dead, a.address]) { _, address in
            for _ in 0..<6 {
                let response = try #require(try await rawRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n", to: address))
                #expect(response.status == 200)
            }
            // After max_fails failures the dead one is out of rotation: no more attempts on it.
        }
    }

    @Test("a 503 is retried for GET and for POST with an Idempotency-Key, not for a bare POST")
    func statusRetries() async throws {
        let failing = try await Backend.start("failing")
        let good = try await Backend.start("good")
        defer {
            Task {
                await failing.stop(); await good.stop()
            }
        }
        failing.status.store(503, ordering: .relaxed)
        try await withBalancer(
            upstreams: [failing.address, good.address],
            configure: { $0.settings.maxFails = 0 }
        ) { _, address in
            for _ in 0..<4 {
                let get = try #require(try await rawRequest("GET /status HTTP/1.1\r\nHost: h\r\n\r\n", to: address))
                #expect(get.status == 200 && get.header("X-Backend") == "good")
                let keyed = try #require(
                    try await rawRequest(
                        "POST /status HTTP/1.1\r\nHost: h\r\nIdempotency-Key: k1\r\nContent-Length: 0\r\n\r\n",
                        to: address,
                        method: .POST))
                #expect(keyed.status == 200)
            }
            var sawPassedThrough503 = false
            for _ in 0..<4 {
                let bare = try #require(
                    try await rawRequest(
                        "POST /status HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", to: address, method: .POST))
                #expect(bare.status == 200 || bare.status == 503)
                if bare.status == 503 {
                    sawPassedThrough503 = true
                    #expect(bare.header("X-Backend") == "failing")
                }
            }
            #expect(sawPassedThrough503)
        }
    }

    @Test("with no upstream up the answer is 503 with Retry-After")
    func noUpstream() async throws {
        let dead = SocketAddress("127.0.0.1:\(closedLoopbackPort())")!
        try await withBalancer(upstreams: [dead], healthChecks: true) { _, address in
            let response = try #require(try await rawRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n", to: address))
            #expect(response.status == 503)
            #expect(response.header("Retry-After") == "1")
            #expect(response.bodyText.contains("\"no_upstream\""))
        }
    }

    @Test("an upstream failing its health check gets no traffic, and takes it again once it passes")
    func activeHealth() async throws {
        let a = try await Backend.start("a")
        let b = try await Backend.start("b")
        defer {
            Task {
                await a.stop(); await b.stop()
            }
        }
        try await withBalancer(upstreams: [a.address, b.address], healthChecks: true) { server, address in
            #expect(
                await eventually { server.directory.snapshot().targets.allSatisfy { $0.isUp.load(ordering: .relaxed) } }
            )
            b.healthy.store(false, ordering: .relaxed)
            #expect(await eventually { !server.directory.snapshot().targets[1].isUp.load(ordering: .relaxed) })
            let before = b.requests.load(ordering: .relaxed)
            for _ in 0..<6 {
                let response = try #require(try await rawRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n", to: address))
                #expect(response.header("X-Backend") == "a")
            }
            #expect(b.requests.load(ordering: .relaxed) == before)
            b.healthy.store(true, ordering: .relaxed)
            #expect(await eventually { server.directory.snapshot().targets[1].isUp.load(ordering: .relaxed) })
        }
    }

    @Test("a client that sends half a head is answered 408 and cut off; others are served meanwhile")
    func slowloris() async throws {
        let a = try await Backend.start("a")
        defer { Task { await a.stop() } }
        try await withBalancer(
            upstreams: [a.address], configure: { $0.settings.clientHeaderTimeout = .milliseconds(300) }
        ) { _, address in
            let slow = try RawClient(address)
            try await slow.send("GET / HTTP/1.1\r\nHost: h\r\nX-Slow: ")
            let fast = try #require(try await rawRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n", to: address))
            #expect(fast.status == 200)
            let answer = try #require(try await slow.readResponse(timeout: .seconds(3 as Int64)))
            #expect(answer.status == 408)
            #expect(try await slow.readUntilClosed())
        }
    }

    @Test("an upstream silent past the read timeout gives 504")
    func readTimeout() async throws {
        // A listener that accepts and never answers.
        let silent = try await Backend.startSilent()
        defer { Task { await silent.stop() } }
        try await withBalancer(
            upstreams: [silent.address], configure: { $0.settings.upstreamReadTimeout = .milliseconds(300) }
        ) { _, address in
            let response = try #require(
                try await rawRequest(
                    "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", to: address, method: .POST))
            #expect(response.status == 504)
        }
    }

    @Test("an upstream that could not answer its first check is checked again quickly, not a whole interval later")
    func newcomerCheckedQuickly() async throws {
        let a = try await Backend.start("a")
        defer { Task { await a.stop() } }
        let late = SocketAddress("127.0.0.1:\(closedLoopbackPort())")!
        try await withBalancer(
            upstreams: [a.address, late], healthChecks: true, configure: { $0.health.interval = .seconds(30 as Int64) }
        ) { server, address in
            let targets = server.directory.snapshot().targets
            #expect(await eventually { targets[0].isUp.load(ordering: .relaxed) })
            #expect(await eventually { targets[1].checkSummary.withLock { $0 }.hasPrefix("failed") })
            let b = try await Backend.start("late", address: late)
            defer { Task { await b.stop() } }
            // With a 30 s interval only the quick re-checks of a starting upstream can bring it up in time.
            #expect(
                await eventually(timeout: .seconds(15 as Int64)) { targets[1].isUp.load(ordering: .relaxed) },
                "\(targets[1].checkSummary.withLock { $0 })")
            var servedByLate = false
            for _ in 0..<4 {
                let response = try #require(try await rawRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n", to: address))
                if response.header("X-Backend") == "late" { servedByLate = true }
            }
            #expect(servedByLate)
        }
    }
}
