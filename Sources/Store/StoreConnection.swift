import Core
import RESP
import Reactor

/// One client connection: decodes every complete command of a read, executes them in order, and
/// leaves the replies in the connection's output, flushed once per read (so a pipeline of 16 costs
/// one `write(2)`). Confined to the server's loop thread.
final class StoreConnection: ConnectionHandler {
    private let executor: CommandExecutor
    private let session: ClientSession
    private var decoder: RESPCommandDecoder
    private var batch = RESPCommandBatch()
    private let onClose: (ClientSession) -> Void

    init(executor: CommandExecutor, session: ClientSession, onClose: @escaping (ClientSession) -> Void) {
        self.executor = executor
        self.session = session
        self.onClose = onClose
        decoder = RESPCommandDecoder(
            limits: RESPLimits(maxBulkLength: executor.configuration.protoMaxBulkLength))
    }

    func connectionDidRead(_ connection: Connection) {
        while connection.isOpen && !session.shouldClose {
            batch.removeAll()
            let count: Int
            do {
                // Bounded batches keep one client's pipeline from starving the others for long.
                count = try decoder.decode(&connection.inbound, into: &batch, maxCount: 1024)
            } catch let error as RESPError {
                connection.withOutbound { $0.writeRESPError(error.replyMessage) }
                connection.closeGracefully()
                return
            } catch {
                connection.close()
                return
            }
            if count == 0 { break }
            connection.withOutbound { executor.execute(batch, client: session, into: &$0) }
        }
        if session.shouldClose {
            connection.closeGracefully()
            return
        }
        // client-query-buffer-limit: an incomplete command that keeps growing past it closes the client.
        if connection.inbound.readableBytes > executor.configuration.queryBufferLimit {
            connection.close()
            return
        }
        if connection.inbound.isEmpty { connection.inbound.clear() }
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) {
        onClose(session)
    }
}
