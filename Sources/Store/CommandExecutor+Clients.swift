import Core
import RESP

/// CLIENT and its subcommands (Redis's networking.c): ID, GETNAME, SETNAME, SETINFO, LIST, INFO, KILL.
extension CommandExecutor {
    func client(_ request: inout CommandRequest) {
        let subcommand = request.string(at: 1).lowercased()
        switch (subcommand, request.count) {
        case ("id", 2):
            request.replyInteger(request.client.id)
        case ("getname", 2):
            if request.client.name.isEmpty { request.replyNull() } else { request.replyBulk(request.client.name) }
        case ("setname", 3):
            let name = request.string(at: 2)
            guard Self.isValidClientName(name) || name.isEmpty else {
                return request.replyError("ERR Client names cannot contain spaces, newlines or special characters.")
            }
            request.client.name = name
            request.replyOK()
        case ("setinfo", 4):
            request.replyOK()  // redis-py 5+ sends lib-name/lib-ver; accepted and ignored.
        case ("info", 2):
            let line = clientInfoLine(request.client) + "\n"
            request.reply.writeRESPVerbatimString(Array(line.utf8), protocol: request.protocolVersion)
        case ("list", _):
            clientList(&request)
        case ("kill", 3...):
            clientKill(&request)
        case ("id", _), ("getname", _), ("setname", _), ("setinfo", _), ("info", _), ("kill", _):
            request.replyError(StoreReplies.wrongArity("client|\(subcommand)"))
        default:
            request.replyError(StoreReplies.unknownSubcommand(request.string(at: 1), of: "client"))
        }
    }

    /// CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id [id ...]]: one line per client, by id.
    func clientList(_ request: inout CommandRequest) {
        var selected = clients.values.sorted { $0.id < $1.id }
        var index = 2
        while index < request.count {
            guard index + 1 < request.count else { return request.replySyntaxError() }
            if request.argument(index, is: "TYPE") {
                let type = request.string(at: index + 1).lowercased()
                guard Self.clientTypes.contains(type) else {
                    return request.replyError("ERR Unknown client type '\(request.string(at: index + 1))'")
                }
                let normalized = type == "replica" ? "slave" : type
                selected = selected.filter { Self.clientType(of: $0) == normalized }
                index += 2
            } else if request.argument(index, is: "ID") {
                var ids: Set<Int> = []
                index += 1
                while index < request.count {
                    guard let id = request.command.integer(at: index), id > 0 else {
                        return request.replyError("ERR Invalid client ID")
                    }
                    ids.insert(id)
                    index += 1
                }
                selected = selected.filter { ids.contains($0.id) }
            } else {
                return request.replySyntaxError()
            }
        }
        var text = ""
        for client in selected { text += clientInfoLine(client) + "\n" }
        request.reply.writeRESPVerbatimString(Array(text.utf8), protocol: request.protocolVersion)
    }

    /// CLIENT KILL ip:port (the old form: OK or an error), or CLIENT KILL with filters ID, ADDR, LADDR,
    /// TYPE, USER and SKIPME (the number of clients closed; the caller is skipped unless SKIPME no).
    func clientKill(_ request: inout CommandRequest) {
        if request.count == 3 {
            let address = request.string(at: 2)
            guard let target = clients.values.first(where: { $0.peer == address }) else {
                return request.replyError("ERR No such client")
            }
            kill(target, by: request.client)
            return request.replyOK()
        }
        var id: Int?
        var address: String?
        var localAddress: String?
        var type: String?
        var skipMe = true
        var index = 2
        while index < request.count {
            guard index + 1 < request.count else { return request.replySyntaxError() }
            let value = request.string(at: index + 1)
            if request.argument(index, is: "ID") {
                guard let number = request.command.integer(at: index + 1), number > 0 else {
                    return request.replyError("ERR client-id should be greater than 0")
                }
                id = number
            } else if request.argument(index, is: "ADDR") {
                address = value
            } else if request.argument(index, is: "LADDR") {
                localAddress = value
            } else if request.argument(index, is: "TYPE") {
                type = value.lowercased()
                guard Self.clientTypes.contains(type!) else {
                    return request.replyError("ERR Unknown client type '\(value)'")
                }
            } else if request.argument(index, is: "USER") {
                guard value == "default" else { return request.replyError("ERR No such user '\(value)'") }
            } else if request.argument(index, is: "SKIPME") {
                switch value.lowercased() {
                case "yes": skipMe = true
                case "no": skipMe = false
                default: return request.replySyntaxError()
                }
            } else {
                return request.replySyntaxError()
            }
            index += 2
        }
        let targets = clients.values.filter { client in
            if let id, client.id != id { return false }
            if let address, client.peer != address { return false }
            if let localAddress, client.localAddress != localAddress { return false }
            if let type, (type == "replica" ? "slave" : type) != Self.clientType(of: client) { return false }
            return !(skipMe && client === request.client)
        }
        for target in targets { kill(target, by: request.client) }
        request.replyInteger(targets.count)
    }

    /// Closes `target`'s connection; the caller's own closes once this batch's replies are written.
    func kill(_ target: ClientSession, by caller: ClientSession?) {
        target.shouldClose = true
        guard target !== caller else { return }
        if let close = target.closeConnection {
            close()
        } else {
            closeSession(target)
        }
    }

    /// The type CLIENT LIST and CLIENT KILL filter on: `pubsub` while subscribed, else `normal`.
    static func clientType(of client: ClientSession) -> String {
        client.isReplica ? "slave" : client.isMaster ? "master" : client.isSubscribed ? "pubsub" : "normal"
    }

    /// The client types CLIENT LIST and CLIENT KILL accept.
    static let clientTypes: Set<String> = ["normal", "master", "replica", "slave", "pubsub"]

    /// One line of CLIENT LIST, in Redis 7.0's field order; what we do not track reads 0.
    func clientInfoLine(_ client: ClientSession) -> String {
        var flags = ""
        // Redis's order: S (a replica of ours), M (our master), P, x, b, d, c.
        if client.isReplica { flags += "S" }
        if client.isMaster { flags += "M" }
        if client.isSubscribed { flags += "P" }
        if client.isInTransaction { flags += "x" }
        if client.isBlocked { flags += "b" }
        if client.isWatchInvalidated { flags += "d" }
        if client.shouldClose { flags += "c" }
        if flags.isEmpty { flags = "N" }
        let age = max(0, now - client.createdAt) / 1000
        let idle = max(0, now - client.lastInteraction) / 1000
        let multi = client.queuedCommands.map(\.count) ?? -1
        return "id=\(client.id) addr=\(client.peer) laddr=\(client.localAddress) fd=\(client.fd) "
            + "name=\(client.name) age=\(age) idle=\(idle) flags=\(flags) db=\(client.database) "
            + "sub=\(client.subscribedChannels.count) psub=\(client.subscribedPatterns.count) ssub=0 multi=\(multi) qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 "
            + "obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=\(client.lastCommand) user=default redir=-1 "
            + "resp=\(client.protocolVersion.rawValue)"
    }
}
