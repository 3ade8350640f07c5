import Core
import RESP

/// Clients blocked on keys (Redis's blocked.c): BLPOP and BRPOP register here when every list they
/// name is empty, and are served in the order they blocked.
///
/// A write to a key someone blocks on marks it ready (`Keyspace.touch`); after the command (after the
/// whole transaction for EXEC) `serveBlockedClients` pops for the waiting clients and sends each its
/// reply through `ClientSession.deliver`, as Redis's `handleClientsBlockedOnKeys`. Timeouts are checked
/// by `expireBlockedClients`, which the server's timer calls `hz` times a second.
extension CommandExecutor {
    /// Blocks `client` on `keys` until one of them has an element or `deadline` (Unix milliseconds,
    /// 0: never) passes. Nothing is replied now.
    func block(_ client: ClientSession, on keys: [StoreKey], popsAtHead: Bool, deadline: Int64) {
        var unique: [StoreKey] = []
        for key in keys where !unique.contains(key) { unique.append(key) }
        client.blockedKeys = unique
        client.blockedPopsAtHead = popsAtHead
        client.blockedDeadline = deadline
        for key in unique {
            blockedQueues[key, default: []].append(client)
            keyspace.startBlocking(on: key)
        }
        blockedClients[client.id] = client
    }

    /// Takes `client` out of every queue it waits in; it runs commands again.
    func unblock(_ client: ClientSession) {
        for key in client.blockedKeys {
            guard var queue = blockedQueues[key] else { continue }
            queue.removeAll { $0 === client }
            if queue.isEmpty {
                blockedQueues[key] = nil
                keyspace.stopBlocking(on: key)
            } else {
                blockedQueues[key] = queue
            }
        }
        client.blockedKeys = []
        client.blockedDeadline = 0
        blockedClients[client.id] = nil
    }

    /// Serves the clients blocked on keys written since the last call, first blocked first served, while
    /// the lists have elements. A served pop writes to the key, so it loops until nothing is ready.
    func serveBlockedClients() {
        while !keyspace.readyKeys.isEmpty {
            for key in keyspace.takeReadyKeys() {
                while let client = blockedQueues[key]?.first {
                    let popsAtHead = client.blockedPopsAtHead
                    let outcome = modifyList(key, create: false) { list in
                        popsAtHead ? list.removeFirst() : list.removeLast()
                    }
                    // Missing, emptied or of another type: whoever waits keeps waiting.
                    guard case .done(let element) = outcome else { break }
                    // A write no command made: the AOF and replicas get the pop it amounts to, as Redis does.
                    if isPropagating { propagate(Self.command(popsAtHead ? "LPOP" : "RPOP", key.bytes)) }
                    var reply = ByteBuffer()
                    reply.writeRESPArrayHeader(2)
                    key.withUnsafeBytes { reply.writeRESPBulkString($0) }
                    reply.writeRESPBulkString(element)
                    unblock(client)
                    client.deliver?(reply)
                    client.didUnblock?()
                }
            }
        }
    }

    /// Answers a null array to every blocked client whose timeout has passed at the clock's current time,
    /// and unblocks it. The server's timer calls this; tests call it after moving their clock.
    public func expireBlockedClients() {
        guard !blockedClients.isEmpty else { return }
        advanceClock()
        let expired = blockedClients.values.filter { $0.blockedDeadline != 0 && $0.blockedDeadline <= now }
        for client in expired.sorted(by: { $0.id < $1.id }) {
            unblock(client)
            var reply = ByteBuffer()
            reply.writeRESPNullArray(protocol: client.protocolVersion)
            client.deliver?(reply)
            client.didUnblock?()
        }
        publishStatistics()
    }

    // MARK: - BLPOP, BRPOP

    /// BLPOP/BRPOP key [key ...] timeout: pops from the first non-empty list as `[key, element]`, else
    /// blocks (inside EXEC it answers a null array instead).
    func blockingPop(_ request: inout CommandRequest, atHead: Bool) {
        guard let timeout = request.blockingTimeout(at: request.count - 1) else { return }
        for index in 1..<(request.count - 1) {
            let key = request.key(at: index)
            let outcome = modifyList(key, create: false) { list in atHead ? list.removeFirst() : list.removeLast() }
            switch outcome {
            case .missing:
                continue
            case .wrongType:
                return request.replyWrongType()
            case .done(let element):
                request.reply.writeRESPArrayHeader(2)
                key.withUnsafeBytes { request.reply.writeRESPBulkString($0) }
                return request.replyBulk(element)
            }
        }
        if isExecutingTransaction { return request.reply.writeRESPNullArray(protocol: request.protocolVersion) }
        let keys = (1..<(request.count - 1)).map { request.key(at: $0) }
        let deadline = timeout == 0 ? 0 : (now.addingReportingOverflow(timeout).overflow ? Int64.max : now + timeout)
        block(request.client, on: keys, popsAtHead: atHead, deadline: deadline)
    }
}

extension CommandRequest {
    /// A blocking command's timeout in milliseconds (seconds with decimals in the argument, 0: for ever),
    /// or nil after replying Redis's error.
    mutating func blockingTimeout(at index: Int) -> Int64? {
        guard let seconds = StoreArguments.parseDouble(command[index]), !seconds.isNaN else {
            replyError("ERR timeout is not a float or out of range")
            return nil
        }
        let milliseconds = (seconds * 1000).rounded(.up)
        // Redis reads an infinite or overflowing timeout as negative too.
        guard seconds >= 0, milliseconds < 9.2e18 else {
            replyError("ERR timeout is negative")
            return nil
        }
        return Int64(milliseconds)
    }
}
