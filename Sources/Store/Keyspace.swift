/// One database: keys to values, with expiry, as Redis's `redisDb` (`dict` plus `expires`).
///
/// Time is a parameter: every lookup takes `now` in Unix milliseconds (Redis's `mstime()`, cached per
/// command), so tests drive expiry with an injected clock. Expired keys are removed lazily when touched
/// and actively by `activeExpireCycle`. Not thread-safe: confined to the thread that owns the keyspace.
///
/// Every change to a key goes through the methods under "Writes" (and expiry, which calls `remove`), and
/// each of them calls `touch`: that is the one place WATCH learns a watched key changed.
public struct Keyspace {
    /// Keys to values.
    public private(set) var entries = DenseDictionary<StoreValue>()
    /// Keys with a time to live, to their deadline in Unix milliseconds.
    public private(set) var expires = DenseDictionary<Int64>()
    /// Read lookups that found a key (INFO keyspace_hits).
    public private(set) var hits = 0
    /// Read lookups that found nothing (INFO keyspace_misses).
    public private(set) var misses = 0
    /// Keys removed because their time ran out (INFO expired_keys).
    public private(set) var expiredKeys = 0
    /// Changes since start, as Redis's `server.dirty`: every write adds one. The executor compares it
    /// before and after a command to know whether to propagate it; the save rules count it.
    public private(set) var dirty = 0
    /// When set (a master with an AOF or replicas), keys removed by expiry are collected in
    /// `expiredKeysToPropagate`, so a DEL reaches the log and the replicas (replicas never expire keys
    /// on their own data: they wait for the master's DEL, as Redis's do).
    public var recordsExpirations = false
    /// Keys expired since the executor last drained them; see `recordsExpirations`.
    public var expiredKeysToPropagate: [StoreKey] = []

    /// Keys some client is blocked on (BLPOP), as Redis's `db->blocking_keys`: a write to one of them
    /// lists it in `readyKeys`, which the executor serves after the command.
    public private(set) var blockingKeys: Set<StoreKey> = []
    /// Keys in `blockingKeys` written since the executor last served them (Redis's `server.ready_keys`).
    public private(set) var readyKeys: [StoreKey] = []

    /// Watched keys to the clients watching them (WATCH), as Redis's `db->watched_keys`.
    private var watchers: [StoreKey: [ClientSession]] = [:]

    /// An empty keyspace.
    public init() {}

    /// How many keys (expired ones not yet removed included, as Redis's DBSIZE).
    public var count: Int { entries.count }

    // MARK: - Lookups

    /// The value of `key` for a command that reads it: counts a hit or a miss. Removes it first when expired.
    public mutating func lookupForRead(_ key: StoreKey, now: Int64) -> StoreValue? {
        let value = lookupForWrite(key, now: now)
        if value == nil { misses += 1 } else { hits += 1 }
        return value
    }

    /// The value of `key` for a command that writes it (no hit/miss accounting). Removes it when expired.
    public mutating func lookupForWrite(_ key: StoreKey, now: Int64) -> StoreValue? {
        guard let position = entries.position(of: key) else { return nil }
        if !expires.isEmpty, expireIfNeeded(key, now: now) { return nil }
        entries.recordAccess(at: position)
        return entries.values[position]
    }

    /// Whether `key` exists (and has not expired), without hit/miss accounting.
    public mutating func contains(_ key: StoreKey, now: Int64) -> Bool { lookupForWrite(key, now: now) != nil }

    /// Removes `key` when its deadline has passed; returns whether it did.
    @discardableResult
    public mutating func expireIfNeeded(_ key: StoreKey, now: Int64) -> Bool {
        guard let deadline = expires[key], deadline <= now else { return false }
        removeExpired(key)
        return true
    }

    // MARK: - Writes

    /// Stores `value` at `key`; a previous time to live is cleared unless `keepingTTL`.
    public mutating func set(_ key: StoreKey, _ value: StoreValue, keepingTTL: Bool = false) {
        touch(key)
        dirty &+= 1
        entries.set(value, for: key)
        if !keepingTTL, !expires.isEmpty { expires.remove(key) }
    }

    /// Replaces the value of an existing `key` in place, keeping its time to live (INCR, APPEND, HSET...).
    public mutating func update<R>(_ key: StoreKey, _ body: (inout StoreValue) -> R) -> R? {
        guard let position = entries.position(of: key) else { return nil }
        touch(key)
        dirty &+= 1
        return entries.modify(at: position, body)
    }

    /// Runs `body` on the value of an existing `key` in place, keeping its time to live; an expired key is
    /// removed first and counts as missing. `body` returns nil when the value is not of the type it works
    /// on: nothing then counts as a change (no `dirty`, no WATCH invalidation).
    ///
    /// One probe of the table, where `lookupForWrite` then `update` take two, and no copy of the value
    /// is alive while `body` runs, so the hash or list inside is changed without copy-on-write.
    mutating func modifyExisting<R>(
        _ key: StoreKey, now: Int64, _ body: (inout StoreValue) -> R?
    ) -> CollectionAccess<R> {
        guard let position = entries.position(of: key) else { return .missing }
        if !expires.isEmpty, expireIfNeeded(key, now: now) { return .missing }
        entries.recordAccess(at: position)
        guard let result = entries.modify(at: position, body) else { return .wrongType }
        touch(key)
        dirty &+= 1
        return .done(result)
    }

    /// Removes `key` and its time to live; returns whether it existed.
    @discardableResult
    public mutating func remove(_ key: StoreKey) -> Bool {
        guard entries.remove(key) != nil else { return false }
        touch(key)
        dirty &+= 1
        expires.remove(key)
        return true
    }

    /// Removes a key whose time ran out: counted in `expiredKeys`, not in `dirty` (the command that
    /// found it did not change anything), collected for propagation when `recordsExpirations`.
    private mutating func removeExpired(_ key: StoreKey) {
        guard entries.remove(key) != nil else { return }
        touch(key)
        expires.remove(key)
        expiredKeys += 1
        if recordsExpirations { expiredKeysToPropagate.append(key) }
    }

    /// Removes every key.
    public mutating func removeAll() {
        // As Redis's touchAllWatchedKeysInDb: only watched keys that existed are modified by a flush.
        for (key, clients) in watchers where entries.position(of: key) != nil {
            for client in clients { client.isWatchInvalidated = true }
        }
        dirty &+= max(1, entries.count)
        entries.removeAll()
        expires.removeAll()
    }

    // MARK: - Expiry

    /// The deadline of `key` in Unix milliseconds, nil when it has none.
    public func deadline(of key: StoreKey) -> Int64? { expires[key] }

    /// Sets the deadline of an existing `key`.
    public mutating func setDeadline(_ deadline: Int64, for key: StoreKey) {
        precondition(entries.position(of: key) != nil, "a deadline for a missing key")
        touch(key)
        dirty &+= 1
        expires.set(deadline, for: key)
    }

    /// Clears the deadline of `key`; returns whether it had one.
    @discardableResult
    public mutating func removeDeadline(of key: StoreKey) -> Bool {
        guard expires.remove(key) != nil else { return false }
        touch(key)
        dirty &+= 1
        return true
    }

    /// Redis's active expiry: sample up to 20 keys with a deadline, remove the expired ones, and repeat
    /// while more than a quarter of a sample had expired, within `maxRounds`. Returns how many it removed.
    @discardableResult
    public mutating func activeExpireCycle(
        now: Int64, maxRounds: Int = 16, using generator: inout some RandomNumberGenerator
    ) -> Int {
        var removed = 0
        for _ in 0..<maxRounds {
            let sampleSize = min(20, expires.count)
            guard sampleSize > 0 else { break }
            var expiredInSample = 0
            for _ in 0..<sampleSize {
                guard !expires.isEmpty else { break }
                let position = Int.random(in: 0..<expires.count, using: &generator)
                if expires.values[position] <= now {
                    removeExpired(expires.keys[position])
                    expiredInSample += 1
                }
            }
            removed += expiredInSample
            if expiredInSample * 4 <= sampleSize { break }
        }
        return removed
    }

    /// A random key that has not expired, or nil when the keyspace is empty (RANDOMKEY).
    public mutating func randomKey(now: Int64, using generator: inout some RandomNumberGenerator) -> StoreKey? {
        // Bounded like Redis's: when every sampled key turns out expired, give up after some tries.
        for _ in 0..<100 {
            guard !entries.isEmpty else { return nil }
            let key = entries.keys[Int.random(in: 0..<entries.count, using: &generator)]
            if !expireIfNeeded(key, now: now) { return key }
        }
        return nil
    }

    // MARK: - Watching

    /// Marks every client watching `key` as invalidated, and `key` as ready when a client is blocked on
    /// it: called by every write path. One dictionary probe each, skipped entirely while nobody watches
    /// or blocks.
    @inline(__always)
    mutating func touch(_ key: StoreKey) {
        if !blockingKeys.isEmpty && blockingKeys.contains(key) && !readyKeys.contains(key) { readyKeys.append(key) }
        guard !watchers.isEmpty, let clients = watchers[key] else { return }
        for client in clients { client.isWatchInvalidated = true }
    }

    /// Registers `client` as watching `key` (WATCH); watching a key twice is a no-op.
    public mutating func watch(_ key: StoreKey, by client: ClientSession) {
        guard !client.watchedKeys.contains(key) else { return }
        client.watchedKeys.append(key)
        watchers[key, default: []].append(client)
    }

    /// Forgets every key `client` watches and clears its invalidation (UNWATCH, EXEC, DISCARD, close).
    public mutating func unwatchAll(by client: ClientSession) {
        for key in client.watchedKeys {
            guard var clients = watchers[key] else { continue }
            clients.removeAll { $0 === client }
            watchers[key] = clients.isEmpty ? nil : clients
        }
        client.watchedKeys.removeAll()
        client.isWatchInvalidated = false
    }

    // MARK: - Blocking

    /// Notes that a client blocks on `key`: writes to it now make it ready.
    mutating func startBlocking(on key: StoreKey) { blockingKeys.insert(key) }

    /// Notes that no client blocks on `key` any more.
    mutating func stopBlocking(on key: StoreKey) { blockingKeys.remove(key) }

    /// The ready keys, in the order they became ready; the list is emptied.
    mutating func takeReadyKeys() -> [StoreKey] {
        defer { readyKeys.removeAll() }
        return readyKeys
    }

    /// How many keys are watched by anyone (tests).
    public var watchedKeyCount: Int { watchers.count }

    // MARK: - Eviction

    /// Keeps a last-use stamp per key (for maxmemory's LRU policies) or stops.
    public mutating func trackAccess(_ isOn: Bool) {
        if isOn { entries.startTrackingAccess() } else { entries.stopTrackingAccess() }
    }

    /// Sets the coarse clock (Unix seconds, as Redis's LRU clock has a 1 s resolution) that stamps uses.
    public mutating func setAccessClock(_ seconds: UInt32) { entries.currentStamp = seconds }

    /// The key to evict: among `samples` random keys, the least recently used one when stamps are kept,
    /// else the first sampled (Redis's approximated LRU, maxmemory-samples). Nil when empty.
    public func evictionCandidate(samples: Int, using generator: inout some RandomNumberGenerator) -> StoreKey? {
        guard !entries.isEmpty else { return nil }
        var best = Int.random(in: 0..<entries.count, using: &generator)
        guard entries.tracksAccess else { return entries.keys[best] }
        for _ in 1..<max(1, samples) {
            let position = Int.random(in: 0..<entries.count, using: &generator)
            if entries.stamp(at: position) < entries.stamp(at: best) { best = position }
        }
        return entries.keys[best]
    }

    /// Removes `key` to free memory (counted as a write: WATCH sees it, like Redis's eviction).
    @discardableResult
    public mutating func evict(_ key: StoreKey) -> Bool { remove(key) }

    /// Resets the hit and miss counters (CONFIG RESETSTAT).
    public mutating func resetStatistics() {
        hits = 0
        misses = 0
        expiredKeys = 0
    }
}
