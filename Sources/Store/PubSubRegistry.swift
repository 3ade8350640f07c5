/// Who listens to what: channels and patterns to their subscribers, as Redis's `server.pubsub_channels`
/// and `server.pubsub_patterns`. Each client also keeps its own list (`ClientSession.subscribedChannels`),
/// so closing a connection forgets it without a scan.
///
/// Subscribers of one channel are kept in subscription order, so messages reach them in that order.
/// Confined to the keyspace's thread.
public struct PubSubRegistry {
    /// Channels with at least one subscriber, to their subscribers.
    public private(set) var channels: [StoreKey: [ClientSession]] = [:]
    /// Patterns with at least one subscriber, to their subscribers.
    public private(set) var patterns: [StoreKey: [ClientSession]] = [:]

    /// An empty registry.
    public init() {}

    /// Subscribes `client` to `channel`; returns false when it already was.
    mutating func subscribe(_ client: ClientSession, to channel: StoreKey) -> Bool {
        guard !client.subscribedChannels.contains(channel) else { return false }
        client.subscribedChannels.append(channel)
        channels[channel, default: []].append(client)
        return true
    }

    /// Unsubscribes `client` from `channel`; returns false when it was not subscribed.
    mutating func unsubscribe(_ client: ClientSession, from channel: StoreKey) -> Bool {
        guard let position = client.subscribedChannels.firstIndex(of: channel) else { return false }
        client.subscribedChannels.remove(at: position)
        Self.remove(client, from: channel, in: &channels)
        return true
    }

    /// Subscribes `client` to `pattern`; returns false when it already was.
    mutating func subscribe(_ client: ClientSession, toPattern pattern: StoreKey) -> Bool {
        guard !client.subscribedPatterns.contains(pattern) else { return false }
        client.subscribedPatterns.append(pattern)
        patterns[pattern, default: []].append(client)
        return true
    }

    /// Unsubscribes `client` from `pattern`; returns false when it was not subscribed.
    mutating func unsubscribe(_ client: ClientSession, fromPattern pattern: StoreKey) -> Bool {
        guard let position = client.subscribedPatterns.firstIndex(of: pattern) else { return false }
        client.subscribedPatterns.remove(at: position)
        Self.remove(client, from: pattern, in: &patterns)
        return true
    }

    /// Forgets every subscription of `client` (a closed connection).
    mutating func unsubscribeAll(_ client: ClientSession) {
        for channel in client.subscribedChannels { Self.remove(client, from: channel, in: &channels) }
        for pattern in client.subscribedPatterns { Self.remove(client, from: pattern, in: &patterns) }
        client.subscribedChannels.removeAll()
        client.subscribedPatterns.removeAll()
    }

    private static func remove(
        _ client: ClientSession, from name: StoreKey, in table: inout [StoreKey: [ClientSession]]
    ) {
        guard var clients = table[name] else { return }
        clients.removeAll { $0 === client }
        table[name] = clients.isEmpty ? nil : clients
    }
}
