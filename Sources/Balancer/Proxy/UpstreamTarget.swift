import Core
import Reactor
import Synchronization

/// One upstream as every loop sees it: its identity, whether active checks say it is up, and the
/// totals the status page shows. Shared by the loops; everything mutable is atomic.
final class UpstreamTarget: Sendable {
    /// The instance name (`api-1`), or `host:port` for a static upstream without one.
    let name: String
    let address: SocketAddress
    /// Relative share of the traffic, 1...256.
    let weight: Int
    /// The address and port as one number: source hashing keeps a client on its upstream by this, whatever
    /// the upstream's position in the list.
    let identity: UInt64
    /// What active health checks say (true until a check says otherwise when checks are off).
    let isUp: Atomic<Bool>
    /// Set when the upstream left the configuration: it takes no new request and goes once idle.
    let isRemoved = Atomic<Bool>(false)
    /// Requests in flight on every loop.
    let activeRequests = Atomic<Int>(0)
    /// Answered requests, failed attempts (connect errors, timeouts, 5xx from a retry), and the sum of
    /// answered requests' durations in microseconds: for the status page.
    let requests = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    let totalMicros = Atomic<Int>(0)
    /// Active-check bookkeeping for the status page: consecutive results and the last failure's reason.
    let checkSummary = Mutex<String>("not checked yet")

    init(name: String, address: SocketAddress, weight: Int, initiallyUp: Bool) {
        self.name = name
        self.address = address
        self.weight = weight
        if case .ipv4(let host, let port) = address {
            identity = UInt64(host) << 16 | UInt64(port)
        } else {
            identity = UInt64(truncatingIfNeeded: address.description.hashValue)
        }
        self.isUp = Atomic(initiallyUp)
    }
}

/// The current upstream list, swapped whole on a reload or discovery change; loops compare the
/// generation (one relaxed atomic load per request) and take the new list when it moved.
final class UpstreamDirectory: Sendable {
    private let state = Mutex<(generation: Int, targets: [UpstreamTarget])>((0, []))
    private let published = Atomic<Int>(0)

    /// The generation of the current list.
    var generation: Int { published.load(ordering: .acquiring) }

    /// The current list and its generation.
    func snapshot() -> (generation: Int, targets: [UpstreamTarget]) { state.withLock { $0 } }

    /// Replaces the list: targets with the same name and address (and weight) are kept as they are, with
    /// their health and totals; the others are new; those no longer listed are marked removed. Returns the
    /// added and removed ones.
    @discardableResult
    func update(
        _ wanted: [(name: String, address: SocketAddress, weight: Int)], initiallyUp: Bool
    ) -> (added: [UpstreamTarget], removed: [UpstreamTarget]) {
        state.withLock { state in
            var kept: [UpstreamTarget] = []
            var added: [UpstreamTarget] = []
            for entry in wanted {
                if let existing = state.targets.first(where: {
                    $0.name == entry.name && $0.address == entry.address && $0.weight == entry.weight
                }) {
                    kept.append(existing)
                } else {
                    let target = UpstreamTarget(
                        name: entry.name, address: entry.address, weight: entry.weight, initiallyUp: initiallyUp)
                    kept.append(target)
                    added.append(target)
                }
            }
            let removed = state.targets.filter { old in !kept.contains { $0 === old } }
            for target in removed { target.isRemoved.store(true, ordering: .releasing) }
            let unchanged = added.isEmpty && removed.isEmpty && kept.map(\.name) == state.targets.map(\.name)
            if !unchanged {
                state.generation += 1
                state.targets = kept
                published.store(state.generation, ordering: .releasing)
            }
            return (added, removed)
        }
    }
}
