import HTTP
import Testing

@testable import Balancer

@Suite struct RetryPolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var method: HTTPMethod
        var key: Bool = false
        var failure: UpstreamFailure
        var attempt: Int = 1
        var started: Bool = false
        var expected: Bool

        var testDescription: String {
            "\(method)\(key ? "+key" : "") \(failure) attempt \(attempt)\(started ? " started" : "") -> \(expected)"
        }
    }

    static let cases: [Case] = [
        // Nothing was sent: any method goes elsewhere.
        Case(method: .POST, failure: .connectFailed, expected: true),
        Case(method: .PATCH, failure: .connectTimedOut, expected: true),
        Case(method: .other("PURGE"), failure: .connectFailed, expected: true),
        // Sent: idempotent methods only.
        Case(method: .GET, failure: .resetBeforeResponse, expected: true),
        Case(method: .HEAD, failure: .readTimedOut, expected: true),
        Case(method: .PUT, failure: .readTimedOut, expected: true),
        Case(method: .DELETE, failure: .resetBeforeResponse, expected: true),
        Case(method: .OPTIONS, failure: .resetBeforeResponse, expected: true),
        Case(method: .TRACE, failure: .resetBeforeResponse, expected: true),
        Case(method: .POST, failure: .resetBeforeResponse, expected: false),
        Case(method: .POST, failure: .readTimedOut, expected: false),
        Case(method: .PATCH, failure: .readTimedOut, expected: false),
        Case(method: .PATCH, key: true, failure: .readTimedOut, expected: false),
        Case(method: .CONNECT, failure: .resetBeforeResponse, expected: false),
        Case(method: .other("PURGE"), failure: .readTimedOut, expected: false),
        // ... or a POST with an Idempotency-Key.
        Case(method: .POST, key: true, failure: .resetBeforeResponse, expected: true),
        Case(method: .POST, key: true, failure: .readTimedOut, expected: true),
        // Gateway statuses follow the "sent" rule; other statuses are answers, not failures.
        Case(method: .GET, failure: .status(502), expected: true),
        Case(method: .GET, failure: .status(503), expected: true),
        Case(method: .GET, failure: .status(504), expected: true),
        Case(method: .POST, failure: .status(503), expected: false),
        Case(method: .POST, key: true, failure: .status(503), expected: true),
        Case(method: .GET, failure: .status(500), expected: false),
        Case(method: .GET, failure: .status(501), expected: false),
        Case(method: .GET, failure: .status(429), expected: false),
        // Never once the response has started.
        Case(method: .GET, failure: .connectFailed, started: true, expected: false),
        Case(method: .GET, failure: .status(502), started: true, expected: false),
        // Never beyond `retries` (2 here): attempts 1 and 2 may be retried, attempt 3 is the last.
        Case(method: .GET, failure: .connectFailed, attempt: 2, expected: true),
        Case(method: .GET, failure: .connectFailed, attempt: 3, expected: false),
        Case(method: .POST, failure: .connectFailed, attempt: 3, expected: false),
    ]

    @Test("mayRetry follows the table", arguments: cases)
    func table(_ row: Case) {
        let policy = RetryPolicy(retries: 2)
        let answer = policy.mayRetry(
            method: row.method, hasIdempotencyKey: row.key, failure: row.failure, attempt: row.attempt,
            responseStarted: row.started)
        #expect(answer == row.expected)
    }

    @Test("retries 0 never retries")
    func noRetries() {
        let policy = RetryPolicy(retries: 0)
        #expect(
            !policy.mayRetry(
                method: .GET, hasIdempotencyKey: false, failure: .connectFailed, attempt: 1, responseStarted: false))
    }
}
