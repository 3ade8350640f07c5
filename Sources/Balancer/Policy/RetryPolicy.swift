import HTTP

/// Whether a failed attempt may be retried on another upstream (the proxy excludes the ones tried).
///
/// The rule is about side effects: when nothing reached the upstream (connect failures), any request
/// may go elsewhere; once it was sent, only a request that is safe to repeat may (RFC 9110's
/// idempotent methods, or a POST carrying an `Idempotency-Key` the application deduplicates); and once
/// any of the response went to the client, never, since it cannot be taken back.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries allowed per request after the first attempt, 0...10 (`retries` in the configuration).
    public var retries: Int

    /// A policy allowing `retries` retries after the first attempt.
    public init(retries: Int) {
        precondition(retries >= 0, "retries cannot be negative")
        self.retries = retries
    }

    /// Whether to retry after attempt number `attempt` (1 for the first) failed with `failure`.
    ///
    /// - Parameters:
    ///   - hasIdempotencyKey: the request carries an `Idempotency-Key` header (makes a POST safe to resend).
    ///   - responseStarted: some of the response was already written to the client.
    public func mayRetry(
        method: HTTPMethod, hasIdempotencyKey: Bool, failure: UpstreamFailure, attempt: Int, responseStarted: Bool
    ) -> Bool {
        guard !responseStarted, attempt <= retries else { return false }
        switch failure {
        case .connectFailed, .connectTimedOut:
            return true
        case .resetBeforeResponse, .readTimedOut:
            return Self.isSafeToResend(method, hasIdempotencyKey: hasIdempotencyKey)
        case .status(let code):
            guard code == 502 || code == 503 || code == 504 else { return false }
            return Self.isSafeToResend(method, hasIdempotencyKey: hasIdempotencyKey)
        }
    }

    /// Idempotent by RFC 9110 section 9.2.2, or a POST the client marked with an idempotency key.
    /// PATCH stays unsafe even with a key: the draft standard allows keys on PATCH, but the shop API
    /// deduplicates POST purchases only, and resending a PATCH it does not deduplicate could apply it
    /// twice. CONNECT and unknown methods are never resent.
    static func isSafeToResend(_ method: HTTPMethod, hasIdempotencyKey: Bool) -> Bool {
        switch method {
        case .GET, .HEAD, .PUT, .DELETE, .OPTIONS, .TRACE: true
        case .POST: hasIdempotencyKey
        case .PATCH, .CONNECT, .other: false
        }
    }
}
