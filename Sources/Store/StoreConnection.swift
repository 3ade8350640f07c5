import Core
import RESP
import Reactor

/// One client connection: decodes every complete command of a read, executes them in order, and
/// leaves the replies in the connection's output, flushed once per read (so a pipeline of 16 costs
/// one `write(2)`). A command that blocks the client (BLPOP) stops the execution: the rest of the batch and
/// everything read meanwhile wait until `resume` runs after the client is unblocked. Confined to the
/// server's loop thread.
final class StoreConnection: ConnectionHandler {
    private let executor: CommandExecutor
    private let session: ClientSession
    private var decoder: RESPCommandDecoder
    private var batch = RESPCommandBatch()
    private let onClose: (ClientSession) -> Void
    /// Where execution resumes in `batch` once the session is unblocked; nil when nothing waits.
    private var resumeIndex: Int?

    init(executor: CommandExecutor, session: ClientSession, onClose: @escaping (ClientSession) -> Void) {
        self.executor = executor
        self.session = session
        self.onClose = onClose
        decoder = RESPCommandDecoder(
            limits: RESPLimits(maxBulkLength: executor.configuration.protoMaxBulkLength))
    }

    func connectionDidRead(_ connection: Connection) {
        if session.isBlocked { return enforceQueryBufferLimit(connection) }
        if let index = resumeIndex {
            resumeIndex = nil
            let next = connection.withOutbound {
                executor.execute(batch, startingAt: index, client: session, into: &$0)
            }
            if session.isBlocked {
                resumeIndex = next
                return
            }
        }
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
            let next = connection.withOutbound { executor.execute(batch, client: session, into: &$0) }
            if session.isBlocked {
                resumeIndex = next
                break
            }
        }
        executor.enforceOutputLimit(session, pendingBytes: connection.outbound.readableBytes)
        // appendfsync always: these replies acknowledge writes that reach the disk only at the end of
        // this loop turn; they leave after that fsync.
        if executor.hasUnsyncedWrites && !connection.isHoldingOutput {
            connection.holdOutput()
            executor.releaseAfterSync { [weak connection] in connection?.releaseOutput() }
        }
        if session.shouldClose {
            connection.closeGracefully()
            return
        }
        enforceQueryBufferLimit(connection)
    }

    /// Runs what waited behind a blocking command: the rest of the batch, then what was read meanwhile.
    func resume(_ connection: Connection) {
        guard connection.isOpen else { return }
        connectionDidRead(connection)
    }

    /// client-query-buffer-limit: an incomplete command, or input a blocked client keeps sending, that
    /// grows past it closes the client.
    private func enforceQueryBufferLimit(_ connection: Connection) {
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
