import Core
import RESP

/// Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, CLIENT, COMMAND (CLIENT's subcommands
/// are in `CommandExecutor+Clients.swift`).
extension CommandExecutor {
    static var connectionCommands: [CommandSpec] {
        [
            CommandSpec("ping", arity: -1, flags: [.fast, .stale]) { $0.ping(&$1) },
            CommandSpec("echo", arity: 2, flags: [.fast]) { _, request in request.replyBulk(request.bytes(at: 1)) },
            CommandSpec("quit", arity: -1, flags: [.fast, .noAuth, .loading, .stale]) { _, request in
                request.replyOK()
                request.client.shouldClose = true
            },
            CommandSpec("select", arity: 2, flags: [.fast, .loading, .stale]) { $0.select(&$1) },
            CommandSpec("auth", arity: -2, flags: [.fast, .noAuth, .loading, .stale]) { $0.auth(&$1) },
            CommandSpec("hello", arity: -1, flags: [.fast, .noAuth, .loading, .stale]) { $0.hello(&$1) },
            CommandSpec("client", arity: -2, flags: [.admin, .loading, .stale]) { $0.client(&$1) },
            CommandSpec("command", arity: -1, flags: [.loading, .stale]) { $0.command(&$1) },
        ]
    }

    func ping(_ request: inout CommandRequest) {
        // A subscribed RESP2 client gets a message-shaped pong, as Redis replies there.
        if request.client.isSubscribed && request.protocolVersion == .resp2 && request.count <= 2 {
            request.reply.writeRESPArrayHeader(2)
            request.replyBulk("pong")
            return request.replyBulk(request.count == 2 ? request.bytes(at: 1) : [])
        }
        switch request.count {
        case 1: request.reply.writeRESP(.pong)
        case 2: request.replyBulk(request.bytes(at: 1))
        default: request.replyError(StoreReplies.wrongArity("ping"))
        }
    }

    func select(_ request: inout CommandRequest) {
        guard let index = request.command.integer(at: 1) else {
            return request.replyError(StoreReplies.notAnInteger)
        }
        guard index == 0 else { return request.replyError(StoreReplies.databaseOutOfRange) }
        request.client.database = 0
        request.replyOK()
    }

    func auth(_ request: inout CommandRequest) {
        guard request.count <= 3 else { return request.replySyntaxError() }
        let user = request.count == 3 ? request.string(at: 1) : "default"
        let password = request.bytes(at: request.count - 1)
        if request.count == 2 && configuration.requirePass.isEmpty {
            return request.replyError(
                "ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?")
        }
        guard checkPassword(user: user, password: password) else {
            return request.replyError(StoreReplies.wrongPass)
        }
        request.client.isAuthenticated = true
        request.replyOK()
    }

    /// Whether `user`/`password` is the default user's credentials (any password when none is set).
    func checkPassword(user: String, password: [UInt8]) -> Bool {
        guard user == "default" else { return false }
        let expected = Array(configuration.requirePass.utf8)
        if expected.isEmpty { return true }
        // Constant time in the password's length, as Redis's time_independent_strcmp.
        guard expected.count == password.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<expected.count { difference |= expected[index] ^ password[index] }
        return difference == 0
    }

    func hello(_ request: inout CommandRequest) {
        var version = request.client.protocolVersion
        var index = 1
        if request.count >= 2 {
            guard let number = request.command.integer(at: 1) else {
                return request.replyError("ERR Protocol version is not an integer or out of range")
            }
            guard let chosen = RESPProtocolVersion(rawValue: number) else {
                return request.replyError("NOPROTO unsupported protocol version")
            }
            version = chosen
            index = 2
        }
        var name: String?
        while index < request.count {
            let remaining = request.count - index - 1
            if request.argument(index, is: "AUTH") && remaining >= 2 {
                guard checkPassword(user: request.string(at: index + 1), password: request.bytes(at: index + 2))
                else { return request.replyError(StoreReplies.wrongPass) }
                request.client.isAuthenticated = true
                index += 3
            } else if request.argument(index, is: "SETNAME") && remaining >= 1 {
                name = request.string(at: index + 1)
                index += 2
            } else {
                return request.replyError("ERR Syntax error in HELLO option '\(request.string(at: index))'")
            }
        }
        guard request.client.isAuthenticated else {
            return request.replyError(
                "NOAUTH HELLO must be called with the client already authenticated, "
                    + "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client "
                    + "and select the RESP protocol version at the same time")
        }
        if let name {
            guard Self.isValidClientName(name) else {
                return request.replyError("ERR Client names cannot contain spaces, newlines or special characters.")
            }
            request.client.name = name
        }
        request.client.protocolVersion = version
        let reply = request.protocolVersion
        request.reply.writeRESPMapHeader(7, protocol: reply)
        request.replyBulk("server")
        request.replyBulk("redis")
        request.replyBulk("version")
        request.replyBulk(Self.redisVersion)
        request.replyBulk("proto")
        request.replyInteger(version.rawValue)
        request.replyBulk("id")
        request.replyInteger(request.client.id)
        request.replyBulk("mode")
        request.replyBulk("standalone")
        request.replyBulk("role")
        request.replyBulk("master")
        request.replyBulk("modules")
        request.reply.writeRESPArrayHeader(0)
    }

    static func isValidClientName(_ name: String) -> Bool {
        name.utf8.allSatisfy { $0 > 32 && $0 < 127 }
    }

    func command(_ request: inout CommandRequest) {
        guard request.count >= 2 else {
            let all = commands.all
            request.reply.writeRESPArrayHeader(all.count)
            for spec in all { writeCommandInfo(spec, into: &request) }
            return
        }
        let subcommand = request.string(at: 1).lowercased()
        switch subcommand {
        case "count" where request.count == 2:
            request.replyInteger(commands.count)
        case "docs":
            // Enough for redis-cli's prompt: no documentation, so it falls back to its built-in hints.
            request.reply.writeRESPMapHeader(0, protocol: request.protocolVersion)
        case "info":
            request.reply.writeRESPArrayHeader(request.count - 2)
            for index in 2..<request.count {
                if let spec = request.command.withUnsafeBytes(at: index, { commands.spec(named: $0) }) {
                    writeCommandInfo(spec, into: &request)
                } else {
                    request.replyNull()
                }
            }
        case "count":
            request.replyError(StoreReplies.wrongArity("command|count"))
        default:
            request.replyError(StoreReplies.unknownSubcommand(request.string(at: 1), of: "command"))
        }
    }

    /// COMMAND INFO's entry: name, arity, flags, first key, last key, step, ACL categories, tips, key
    /// specifications, subcommands.
    private func writeCommandInfo(_ spec: CommandSpec, into request: inout CommandRequest) {
        request.reply.writeRESPArrayHeader(10)
        request.replyBulk(spec.name)
        request.replyInteger(spec.arity)
        let flags = spec.flags.names
        request.reply.writeRESPSetHeader(flags.count, protocol: request.protocolVersion)
        for flag in flags { request.reply.writeRESPSimpleString(flag) }
        request.replyInteger(spec.firstKey)
        request.replyInteger(spec.lastKey)
        request.replyInteger(spec.keyStep)
        request.reply.writeRESPSetHeader(0, protocol: request.protocolVersion)
        request.reply.writeRESPArrayHeader(0)
        request.reply.writeRESPArrayHeader(0)
        request.reply.writeRESPArrayHeader(0)
    }
}
