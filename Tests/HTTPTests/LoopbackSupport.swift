import Core
import HTTP
import Synchronization
import TestSupport
import Testing

@testable import Reactor

/// Request handlers that keep their responders so a test decides when (and whether) they answer.
final class HeldResponders: Sendable {
    private let held = Mutex<[(HTTPRequest, HTTPResponder)]>([])

    /// A handler that holds every request it gets.
    var handler: HTTPHandler {
        { request, responder in self.held.withLock { $0.append((request, responder)) } }
    }

    /// How many requests are held.
    var count: Int { held.withLock { $0.count } }

    /// Removes and returns the oldest held request, if any.
    func takeFirst() -> (HTTPRequest, HTTPResponder)? {
        held.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }
}

/// Counts the distinct client connections (remote addresses) that requests came from.
final class ConnectionCounter: Sendable {
    private let seen = Mutex<Set<String>>([])

    func record(_ request: HTTPRequest) {
        let key = request.remoteAddress?.description ?? "unknown"
        seen.withLock { _ = $0.insert(key) }
    }

    var count: Int { seen.withLock { $0.count } }
}

/// The `HTTPClientError` that `body` throws, or nil when it succeeds.
func failure<T>(_ body: () async throws -> T) async -> HTTPClientError? {
    do {
        _ = try await body()
        Issue.record("expected an HTTPClientError")
        return nil
    } catch {
        guard let error = error as? HTTPClientError else {
            Issue.record("expected an HTTPClientError, got \(error)")
            return nil
        }
        return error
    }
}
