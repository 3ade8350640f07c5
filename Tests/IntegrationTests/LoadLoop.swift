import Core
import HTTP
import Reactor
import Synchronization

/// A bounded background load for black-box tests: `workers` tasks sending `GET path` over keep-alive
/// connections until stopped (or `limit` passes), counting answers by status, failures, and which
/// instance (`X-Served-By`) served each.
final class LoadLoop: Sendable {
    struct Tally: Sendable {
        var statuses: [Int: Int] = [:]
        var failures: [String] = []
        var servedBy: [String: Int] = [:]
        /// The instances that served the most recent answers (the last 50), oldest first.
        var recent: [String] = []
        var total: Int { statuses.values.reduce(0, +) + failures.count }
        var nonSuccess: Int { statuses.filter { $0.key != 200 }.values.reduce(0, +) + failures.count }
    }

    private let tally = Mutex(Tally())
    private let isStopped = Atomic<Bool>(false)
    private let client: HTTPClient
    private let tasks: Mutex<[Task<Void, Never>]> = Mutex([])

    init(
        to address: SocketAddress, path: String = "/", workers: Int = 4, limit: TimeAmount = .seconds(60 as Int64)
    )
        throws
    {
        var configuration = HTTPClientConfiguration()
        configuration.readTimeout = .seconds(10 as Int64)
        client = try HTTPClient(configuration: configuration)
        let deadline = Instant.now + limit
        var started: [Task<Void, Never>] = []
        for _ in 0..<workers {
            started.append(
                Task { [self] in
                    while !self.isStopped.load(ordering: .relaxed) && Instant.now < deadline {
                        let request = HTTPClientRequest(target: path, headers: ["Host": "load"])
                        do {
                            let response = try await self.client.execute(request, to: address)
                            let servedBy = response.head.headers.first(name: "X-Served-By") ?? "?"
                            self.tally.withLock { tally in
                                tally.statuses[response.status.code, default: 0] += 1
                                tally.servedBy[servedBy, default: 0] += 1
                                tally.recent.append(servedBy)
                                if tally.recent.count > 50 { tally.recent.removeFirst() }
                            }
                        } catch {
                            self.tally.withLock { $0.failures.append("\(error)") }
                        }
                    }
                })
        }
        tasks.withLock { $0 = started }
    }

    /// What was counted so far.
    var snapshot: Tally { tally.withLock { $0 } }

    /// Stops the workers and waits for them; returns the final tally.
    func stop() async -> Tally {
        isStopped.store(true, ordering: .relaxed)
        for task in tasks.withLock({ $0 }) { await task.value }
        client.shutdown()
        return snapshot
    }
}
