import Core

/// Output-buffer limits: a client whose unsent output passes its class's limit is disconnected rather
/// than let grow the store's memory (a replica or subscriber that cannot keep up), as Redis's
/// `checkClientOutputBufferLimits`.
extension CommandExecutor {
    /// Checks `client`'s unsent output (`pendingBytes`) against its class's limits and closes it, on the
    /// next turn of the loop, when it is over. Cheap: a few comparisons.
    public func enforceOutputLimit(_ client: ClientSession, pendingBytes: Int) {
        let clientClass: OutputBufferLimits.ClientClass =
            client.isReplica ? .replica : client.isSubscribed ? .pubsub : .normal
        let limit = configuration.outputBufferLimits[clientClass]
        var isOver = limit.hard > 0 && pendingBytes > limit.hard
        if !isOver && limit.soft > 0 && pendingBytes > limit.soft {
            if let since = client.softOutputLimitSince {
                isOver = now - since >= Int64(limit.softSeconds) * 1000
            } else {
                client.softOutputLimitSince = now
            }
        } else if client.softOutputLimitSince != nil {
            client.softOutputLimitSince = nil
        }
        guard isOver, !client.shouldClose else { return }
        client.shouldClose = true
        logger.warning(
            "client scheduled to be closed ASAP for overcoming of output buffer limits",
            ["id": client.id, "addr": client.peer, "class": clientClass.rawValue, "pending_bytes": pendingBytes])
        let close = client.closeConnection
        if let loop { loop.executeOnLoop { close?() } } else { close?() }
    }
}
