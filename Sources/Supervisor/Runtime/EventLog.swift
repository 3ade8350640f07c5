import Core
import JSON
import Manifest

/// What happened to the stack's instances, for `stack events`, `stack ps` and the metrics: a bounded
/// history plus live subscribers. Confined to the supervisor's loop thread.
final class EventLog {
    /// One event, rendered once as a JSON line.
    struct Entry {
        var line: String
    }

    private var history: [String] = []
    private let capacity = 1000
    private var subscribers: [Int: (String) -> Void] = [:]
    private var nextSubscriber = 0

    /// Records an event of `type` for `instance` with extra fields, and tells every subscriber.
    func record(_ type: String, instance: String, service: String, _ fields: [(String, JSONValue)] = []) {
        var object = JSONObject([
            ("time", .string(Logger.formatTimestamp(wallClockSeconds()))), ("type", .string(type)),
            ("instance", .string(instance)), ("service", .string(service)),
        ])
        for (key, value) in fields { object[key] = value }
        let line = JSONValue.object(object).compact + "\n"
        history.append(line)
        if history.count > capacity { history.removeFirst(history.count - capacity) }
        for subscriber in subscribers.values { subscriber(line) }
    }

    /// The last events, oldest first.
    var recent: [String] { history }

    /// Calls `body` with every future event line; returns a token for `unsubscribe`.
    func subscribe(_ body: @escaping (String) -> Void) -> Int {
        nextSubscriber += 1
        subscribers[nextSubscriber] = body
        return nextSubscriber
    }

    func unsubscribe(_ token: Int) {
        subscribers.removeValue(forKey: token)
    }
}
