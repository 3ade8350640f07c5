import Core
import Reactor

/// Collects every instance's stdout and stderr: one rotating file per instance under `.stack/logs/`,
/// a short in-memory tail for `stack logs --tail`, and live followers (`stack logs -f`, foreground
/// `stack up`) that get `name | line` lines. Confined to the supervisor's loop thread.
final class LogHub {
    private let directory: String
    private var files: [String: RotatingLogFile] = [:]
    private var partial: [String: [UInt8]] = [:]
    private var tails: [String: [String]] = [:]
    private let tailCapacity = 1000
    private var followers: [Int: (names: Set<String>?, body: (String) -> Void)] = [:]
    private var nextFollower = 0

    init(directory: String) {
        self.directory = directory
    }

    /// Appends a chunk of `instance`'s output (split into lines; a partial last line waits for more).
    func append(_ instance: String, _ buffer: inout ByteBuffer) {
        if files[instance] == nil {
            files[instance] = try? RotatingLogFile(path: "\(directory)/\(instance).log")
        }
        files[instance]?.write(buffer)
        var pending = partial[instance] ?? []
        buffer.withUnsafeReadableBytes { pending.append(contentsOf: $0) }
        buffer.clear()
        var start = 0
        for index in pending.indices where pending[index] == UInt8(ascii: "\n") {
            emit(instance, String(decoding: pending[start..<index], as: UTF8.self))
            start = index + 1
        }
        pending.removeFirst(start)
        // A line longer than 64 KiB is cut rather than held forever.
        if pending.count > 64 * 1024 {
            emit(instance, String(decoding: pending, as: UTF8.self))
            pending.removeAll()
        }
        partial[instance] = pending
    }

    /// Flushes a partial last line when the instance's pipe closes.
    func close(_ instance: String) {
        if let pending = partial.removeValue(forKey: instance), !pending.isEmpty {
            emit(instance, String(decoding: pending, as: UTF8.self))
        }
    }

    /// A line written by the supervisor itself about an instance (e.g. "exited with code 1").
    func note(_ instance: String, _ line: String) {
        emit(instance, line)
    }

    private func emit(_ instance: String, _ line: String) {
        var tail = tails[instance] ?? []
        tail.append(line)
        if tail.count > tailCapacity { tail.removeFirst(tail.count - tailCapacity) }
        tails[instance] = tail
        let text = "\(instance) | \(line)\n"
        for follower in followers.values where follower.names?.contains(instance) ?? true { follower.body(text) }
    }

    /// The last `count` lines of the named instances (all when nil), grouped by instance, as `name | line`.
    func tail(_ names: Set<String>?, count: Int) -> [String] {
        var result: [String] = []
        for (instance, lines) in tails.sorted(by: { $0.key < $1.key }) where names?.contains(instance) ?? true {
            for line in lines.suffix(count) { result.append("\(instance) | \(line)\n") }
        }
        return result
    }

    /// Calls `body` with every future line of the named instances; returns a token for `unfollow`.
    func follow(_ names: Set<String>?, _ body: @escaping (String) -> Void) -> Int {
        nextFollower += 1
        followers[nextFollower] = (names, body)
        return nextFollower
    }

    func unfollow(_ token: Int) {
        followers.removeValue(forKey: token)
    }
}
