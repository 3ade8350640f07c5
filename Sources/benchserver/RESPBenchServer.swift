import Core
import RESP
import Reactor

/// A RESP server that answers PING and ECHO (and `COMMAND`/`CONFIG GET` with empty replies so that
/// redis-benchmark starts): the core's RESP path with no keyspace behind it.
final class RESPBenchServer: Sendable {
    let address: SocketAddress
    let group: EventLoopGroup

    init(address: SocketAddress, loopCount: Int) throws(IOError) {
        self.address = address
        self.group = try EventLoopGroup(loopCount: loopCount, name: "resp")
    }

    /// Binds one SO_REUSEPORT listener per loop.
    func start() async throws -> SocketAddress {
        var bound = address
        for loop in group.loops {
            let requested = bound
            let reusePort = group.loops.count > 1
            bound = try await loop.submit { () throws -> SocketAddress in
                let listener = try Listener(address: requested, on: loop, reusePort: reusePort) { connection in
                    connection.handler = RESPBenchConnection()
                }
                // The listener lives as long as its loop keeps it registered.
                return listener.address
            }
        }
        return bound
    }
}

/// Decodes every complete command in a read and answers them into the connection's output in one go.
final class RESPBenchConnection: ConnectionHandler {
    private var decoder = RESPCommandDecoder()
    private var batch = RESPCommandBatch()

    func connectionDidRead(_ connection: Connection) {
        while true {
            batch.removeAll()
            let count: Int
            do {
                count = try decoder.decode(&connection.inbound, into: &batch)
            } catch let error as RESPError {
                connection.withOutbound { $0.writeRESPError(error.replyMessage) }
                connection.closeGracefully()
                return
            } catch {
                connection.close()
                return
            }
            if count == 0 { return }
            connection.withOutbound { out in
                for command in batch {
                    if command.isNamed("PING") {
                        if command.count > 1 {
                            command.withUnsafeBytes(at: 1) { out.writeRESPBulkString($0) }
                        } else {
                            out.writeRESP(.pong)
                        }
                    } else if command.isNamed("ECHO") && command.count == 2 {
                        command.withUnsafeBytes(at: 1) { out.writeRESPBulkString($0) }
                    } else if command.isNamed("CONFIG") || command.isNamed("COMMAND") {
                        out.writeRESP(.emptyArray)
                    } else {
                        out.writeRESPError("ERR unknown command '\(command.string(at: 0))'")
                    }
                }
            }
        }
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) {}
}
