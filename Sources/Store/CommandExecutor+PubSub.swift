import Core
import RESP

/// Pub/Sub (Redis's pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB.
///
/// A message reaches another client through its `ClientSession.deliver`, which writes to that
/// connection and flushes; one for the publisher itself (a RESP3 subscriber may publish) goes into its
/// own reply, ahead of PUBLISH's count, as Redis orders them. In RESP2 a subscribed client may only
/// run the commands of `allowedWhileSubscribed` (checked in `execute(_:)`); in RESP3 every command is
/// allowed and messages are push frames.
extension CommandExecutor {
    static var pubSubCommands: [CommandSpec] {
        [
            CommandSpec("subscribe", arity: -2, flags: [.pubsub, .noscript, .loading, .stale]) {
                $0.subscribe(&$1, toPatterns: false)
            },
            CommandSpec("unsubscribe", arity: -1, flags: [.pubsub, .noscript, .loading, .stale]) {
                $0.unsubscribe(&$1, fromPatterns: false)
            },
            CommandSpec("psubscribe", arity: -2, flags: [.pubsub, .noscript, .loading, .stale]) {
                $0.subscribe(&$1, toPatterns: true)
            },
            CommandSpec("punsubscribe", arity: -1, flags: [.pubsub, .noscript, .loading, .stale]) {
                $0.unsubscribe(&$1, fromPatterns: true)
            },
            CommandSpec("publish", arity: 3, flags: [.pubsub, .loading, .stale, .fast]) { executor, request in
                let receivers = executor.publish(request.key(at: 1), request.bytes(at: 2), from: &request)
                request.replyInteger(receivers)
            },
            CommandSpec("pubsub", arity: -2, flags: [.pubsub, .loading, .stale]) { $0.pubsubIntrospection(&$1) },
        ]
    }

    /// The commands a RESP2 client may run while subscribed, as Redis's `processCommand` allows.
    static let allowedWhileSubscribed: Set<String> = [
        "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe", "ping", "quit",
        "reset",
    ]

    /// Redis's refusal of a command a subscribed RESP2 client may not run.
    static func notAllowedWhileSubscribed(_ name: String) -> String {
        "ERR Can't execute '\(name)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
            + "in this context"
    }

    /// Sends `message` to the subscribers of `channel` and of every pattern matching it; returns how many
    /// deliveries that made (a client subscribed twice counts twice, as in Redis). A message for the
    /// publisher itself goes into `request`'s reply.
    func publish(_ channel: StoreKey, _ message: [UInt8], from request: inout CommandRequest) -> Int {
        var receivers = 0
        var frames = PubSubFrames()
        if let subscribers = pubSub.channels[channel] {
            for client in subscribers {
                let frame = frames.message(for: client.protocolVersion) { buffer, version in
                    buffer.writeRESPPushHeader(3, protocol: version)
                    buffer.writeRESPBulkString("message")
                    channel.withUnsafeBytes { buffer.writeRESPBulkString($0) }
                    buffer.writeRESPBulkString(message)
                }
                send(frame, to: client, from: &request)
                receivers += 1
            }
        }
        guard !pubSub.patterns.isEmpty else { return receivers }
        for (pattern, subscribers) in pubSub.patterns
        where pattern.withUnsafeBytes({ p in channel.withUnsafeBytes { GlobPattern.matches(p, $0) } }) {
            var patternFrames = PubSubFrames()
            for client in subscribers {
                let frame = patternFrames.message(for: client.protocolVersion) { buffer, version in
                    buffer.writeRESPPushHeader(4, protocol: version)
                    buffer.writeRESPBulkString("pmessage")
                    pattern.withUnsafeBytes { buffer.writeRESPBulkString($0) }
                    channel.withUnsafeBytes { buffer.writeRESPBulkString($0) }
                    buffer.writeRESPBulkString(message)
                }
                send(frame, to: client, from: &request)
                receivers += 1
            }
        }
        return receivers
    }

    private func send(_ frame: ByteBuffer, to client: ClientSession, from request: inout CommandRequest) {
        if client === request.client {
            request.reply.writeBuffer(frame)
        } else {
            client.deliver?(frame)
        }
    }

    /// PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT.
    func pubsubIntrospection(_ request: inout CommandRequest) {
        let subcommand = request.string(at: 1).lowercased()
        switch subcommand {
        case "channels" where request.count <= 3:
            let pattern = request.count == 3 ? request.bytes(at: 2) : nil
            let names = pubSub.channels.keys.filter { channel in
                guard let pattern else { return true }
                return channel.withUnsafeBytes { name in pattern.withUnsafeBytes { GlobPattern.matches($0, name) } }
            }
            request.reply.writeRESPArrayHeader(names.count)
            for name in names { name.withUnsafeBytes { request.reply.writeRESPBulkString($0) } }
        case "numsub":
            request.reply.writeRESPArrayHeader((request.count - 2) * 2)
            for index in 2..<request.count {
                request.replyBulk(request.bytes(at: index))
                request.replyInteger(pubSub.channels[request.key(at: index)]?.count ?? 0)
            }
        case "numpat" where request.count == 2:
            request.replyInteger(pubSub.patterns.count)
        case "numpat":
            request.replyError(StoreReplies.wrongArity("pubsub|numpat"))
        case "channels":
            request.replyError(
                "ERR unknown subcommand or wrong number of arguments for '\(request.string(at: 1))'. Try PUBSUB HELP.")
        default:
            request.replyError(StoreReplies.unknownSubcommand(request.string(at: 1), of: "pubsub"))
        }
    }

    /// (P)SUBSCRIBE: one confirmation per channel or pattern, already subscribed ones included.
    func subscribe(_ request: inout CommandRequest, toPatterns: Bool) {
        for index in 1..<request.count {
            let name = request.key(at: index)
            if toPatterns {
                _ = pubSub.subscribe(request.client, toPattern: name)
            } else {
                _ = pubSub.subscribe(request.client, to: name)
            }
            request.replySubscription(toPatterns ? "psubscribe" : "subscribe", name)
        }
    }

    /// (P)UNSUBSCRIBE: the named channels or patterns, or all of the client's; a confirmation each (one
    /// with a null name when there were none).
    func unsubscribe(_ request: inout CommandRequest, fromPatterns: Bool) {
        let client = request.client
        let kind = fromPatterns ? "punsubscribe" : "unsubscribe"
        let names =
            request.count > 1
            ? (1..<request.count).map { request.key(at: $0) }
            : (fromPatterns ? client.subscribedPatterns : client.subscribedChannels)
        if names.isEmpty { return request.replySubscription(kind, nil) }
        for name in names {
            if fromPatterns {
                _ = pubSub.unsubscribe(client, fromPattern: name)
            } else {
                _ = pubSub.unsubscribe(client, from: name)
            }
            request.replySubscription(kind, name)
        }
    }

}

/// A message encoded at most once per protocol, for every subscriber that speaks it.
private struct PubSubFrames {
    var resp2: ByteBuffer?
    var resp3: ByteBuffer?

    mutating func message(
        for version: RESPProtocolVersion, _ encode: (inout ByteBuffer, RESPProtocolVersion) -> Void
    ) -> ByteBuffer {
        if version == .resp3, let resp3 { return resp3 }
        if version == .resp2, let resp2 { return resp2 }
        var buffer = ByteBuffer()
        encode(&buffer, version)
        if version == .resp3 { resp3 = buffer } else { resp2 = buffer }
        return buffer
    }
}

extension CommandRequest {
    /// A (un)subscription confirmation: kind, channel or pattern (null when none), and how many
    /// subscriptions the client now has.
    mutating func replySubscription(_ kind: String, _ name: StoreKey?) {
        reply.writeRESPPushHeader(3, protocol: protocolVersion)
        reply.writeRESPBulkString(kind)
        if let name {
            name.withUnsafeBytes { reply.writeRESPBulkString($0) }
        } else {
            reply.writeRESPNull(protocol: protocolVersion)
        }
        replyInteger(client.subscribedChannels.count + client.subscribedPatterns.count)
    }

}
