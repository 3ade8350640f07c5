import JSON
import Reactor
import Testing

@testable import ShopAPI

@Suite struct PasswordTests {
    @Test("a hash is yescrypt, salted afresh each time, and verifies only its own password")
    func roundTrip() throws {
        let first = try #require(Password.hash("correct horse"))
        let second = try #require(Password.hash("correct horse"))
        #expect(first.hasPrefix("$y$"))
        #expect(first != second)
        #expect(!first.contains("correct horse"))
        #expect(Password.verify("correct horse", hash: first))
        #expect(Password.verify("correct horse", hash: second))
        #expect(!Password.verify("correct horsf", hash: first))
        #expect(!Password.verify("", hash: first))
    }

    @Test("a malformed hash verifies nothing")
    func malformedHash() {
        #expect(!Password.verify("anything", hash: ""))
        #expect(!Password.verify("anything", hash: "*"))
        #expect(!Password.verify("anything", hash: "$y$garbage"))
    }

    @Test("a password is a string of 8 to 256 characters without NUL")
    func accepted() {
        #expect(Password.accepted(.string("12345678")) == "12345678")
        #expect(Password.accepted(.string("1234567")) == nil)
        #expect(Password.accepted(.string(String(repeating: "x", count: 256))) != nil)
        #expect(Password.accepted(.string(String(repeating: "x", count: 257))) == nil)
        #expect(Password.accepted(.string("1234\u{0}5678")) == nil)
        #expect(Password.accepted(.integer(12_345_678)) == nil)
        #expect(Password.accepted(.string("ééééééé")) == nil)
        #expect(Password.accepted(.string("éééééééé")) != nil)
    }

    @Test("the hasher works off the caller's loop and answers on it, false for an unknown user")
    func hasherAnswersOnTheLoop() async throws {
        let hasher = try PasswordHasher(workerCount: 2)
        let loop = try EventLoop.start(name: "request")
        defer {
            hasher.shutdown()
            loop.stop()
        }
        let results: (Bool, Bool, Bool, Bool) = await withCheckedContinuation { continuation in
            loop.execute {
                hasher.hash("correct horse", on: loop) { hashed in
                    let onLoop = loop.inEventLoop
                    guard case .success(let hash) = hashed else {
                        return continuation.resume(returning: (false, false, false, false))
                    }
                    hasher.verify("correct horse", against: hash, on: loop) { right in
                        hasher.verify("wrong horse", against: hash, on: loop) { wrong in
                            hasher.verify("correct horse", against: nil, on: loop) { missing in
                                continuation.resume(
                                    returning: (
                                        onLoop, right == .success(true), wrong == .success(false),
                                        missing == .success(false)
                                    ))
                            }
                        }
                    }
                }
            }
        }
        #expect(results == (true, true, true, true))
    }

    @Test("a full hasher refuses at once with 503 instead of queueing")
    func hasherLimit() async throws {
        let hasher = try PasswordHasher(workerCount: 1, maximumPending: 0)
        let loop = try EventLoop.start(name: "request")
        defer {
            hasher.shutdown()
            loop.stop()
        }
        let result: Result<String, ShopError> = await withCheckedContinuation { continuation in
            loop.execute { hasher.hash("correct horse", on: loop) { continuation.resume(returning: $0) } }
        }
        #expect(result.failure?.status == 503)
    }
}
