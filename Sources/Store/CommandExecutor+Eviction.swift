import Core
import RESP
import Reactor

/// maxmemory: before a command that may grow memory runs, keys are evicted until the heap is under the
/// limit (allkeys-lru, allkeys-random), or the command is refused with -OOM (noeviction), as Redis's
/// `performEvictions`. A replica never evicts: its data is its master's (replica-ignore-maxmemory).
extension CommandExecutor {
    /// Redis's reply when memory is full and nothing may be evicted.
    static let outOfMemoryMessage = "OOM command not allowed when used memory > 'maxmemory'."

    /// Frees memory if the heap is over maxmemory; returns false when it stays over (the command must be
    /// refused). Evicted keys are propagated as DELs.
    func freeMemoryIfNeeded() -> Bool {
        let limit = configuration.maxMemory
        var used = heapBytesInUse()
        guard used > limit else { return true }
        guard configuration.maxMemoryPolicy != .noEviction else { return false }
        while used > limit {
            guard let key = keyspace.evictionCandidate(samples: configuration.maxMemorySamples, using: &generator)
            else { return false }
            keyspace.evict(key)
            evictedKeys += 1
            if isPropagating { propagate(Self.command("DEL", key.bytes)) }
            used = heapBytesInUse()
        }
        return true
    }

    /// Applies the policy's bookkeeping: last-use stamps exist only under an LRU policy with a limit.
    func applyEvictionPolicy() {
        keyspace.trackAccess(configuration.maxMemory > 0 && configuration.maxMemoryPolicy == .allKeysLRU)
        keyspace.setAccessClock(UInt32(truncatingIfNeeded: clock() / 1000))
    }
}
