import Core
import RESP
import Reactor

/// One client of the sentinel (redis-cli, redis-py, another sentinel): decodes its commands, answers them
/// through the runtime, and delivers the events it subscribed to. Confined to the sentinel's loop.
final class SentinelSession: ConnectionHandler {
    let connection: Connection
    unowned let runtime: SentinelRuntime
    private var decoder = RESPCommandDecoder()
    /// RESP2 until the client says `HELLO 3`.
    var protocolVersion = RESPProtocolVersion.resp2
    var name = ""
    let id: Int
    /// Channels and patterns subscribed to.
    var channels: Set<String> = []
    var patterns: Set<String> = []

    init(connection: Connection, runtime: SentinelRuntime, id: Int) {
        self.connection = connection
        self.runtime = runtime
        self.id = id
    }

    var isSubscribed: Bool { !channels.isEmpty || !patterns.isEmpty }

    func connectionDidRead(_ connection: Connection) {
        while connection.isOpen {
            let command: RESPCommand?
            do {
                command = try decoder.decode(&connection.inbound)
            } catch let error as RESPError {
                connection.withOutbound { $0.writeRESPError(error.replyMessage) }
                connection.closeGracefully()
                return
            } catch {
                connection.close()
                return
            }
            guard let command, command.count > 0 else { return }
            connection.withOutbound { out in runtime.execute(command, for: self, into: &out) }
        }
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) {
        runtime.remove(self)
    }

    /// Sends a pub/sub message (`message` or `pmessage`) in the client's protocol.
    func deliver(channel: String, message: String, pattern: String?) {
        connection.withOutbound { out in
            let count = pattern == nil ? 3 : 4
            if protocolVersion == .resp3 {
                out.writeRESPPushHeader(count, protocol: .resp3)
            } else {
                out.writeRESPArrayHeader(count)
            }
            out.writeRESPBulkString(pattern == nil ? "message" : "pmessage")
            if let pattern { out.writeRESPBulkString(pattern) }
            out.writeRESPBulkString(channel)
            out.writeRESPBulkString(message)
        }
    }
}
