import Core
import HTTP
import Reactor

/// One keep-alive connection to an upstream, owned by one loop: decodes the answers and hands each part
/// to the client session that sent the request. Between requests it waits in its slot's idle list.
final class UpstreamConnection: ConnectionHandler {
    let connection: Connection
    let slot: UpstreamSlot
    var decoder: HTTPResponseDecoder
    /// The session whose request this connection carries; nil while idle.
    weak var session: ClientSession?
    /// When it went idle (loop time), for the idle timeout.
    var idleSince: Instant
    /// When the upstream last sent a byte or took a request (loop time), for the read timeout.
    var lastActivity: Instant
    /// Whether it already carried a request: a reused connection the upstream closed before answering is
    /// the keep-alive race (the upstream closed it as idle while our request was on the way).
    var hasCarriedRequest = false
    /// Whether any byte of the current answer arrived.
    var receivedResponseBytes = false

    init(connection: Connection, slot: UpstreamSlot, limits: HTTPDecoderLimits) {
        self.connection = connection
        self.slot = slot
        self.decoder = HTTPResponseDecoder(limits: limits)
        self.idleSince = connection.loop.now
        self.lastActivity = connection.loop.now
    }

    /// Readies the connection for `session`'s request.
    func attach(to session: ClientSession, method: HTTPMethod) {
        self.session = session
        decoder.expectResponse(to: method)
        receivedResponseBytes = false
        lastActivity = connection.loop.now
    }

    func connectionDidRead(_ connection: Connection) {
        guard let session else {
            // An idle connection has nothing to say; a server that speaks anyway (an unsolicited 408 before
            // closing) is done with it.
            connection.close()
            return
        }
        lastActivity = connection.loop.now
        receivedResponseBytes = true
        // The answer's head and body chunks go to the client in one write at the end of this read, not one
        // write each (the client connection is not in its own read dispatch, so it would flush every write).
        let client = session.connection
        let wasHolding = client.isHoldingOutput
        if !wasHolding { client.holdOutput() }
        defer { if !wasHolding { client.releaseOutput() } }
        while self.session === session, connection.isOpen {
            let part: HTTPResponsePart?
            do {
                part = try decoder.decode(&connection.inbound)
            } catch {
                session.upstreamFailed(self, .resetBeforeResponse)
                return
            }
            guard let part else { return }
            session.upstreamReceived(part, from: self)
        }
    }

    func connectionDidReadEOF(_ connection: Connection) {
        // A body delimited by the close ends here; anything else cut short is a failure, reported on close.
        if let session {
            while self.session === session {
                guard let part = try? decoder.decodeAtEOF(&connection.inbound) else { break }
                session.upstreamReceived(part, from: self)
            }
        }
        connection.close()
    }

    func connectionWritabilityChanged(_ connection: Connection, isWritable: Bool) {
        session?.upstreamWritabilityChanged(isWritable)
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) {
        slot.connectionClosed(self)
        if let session {
            self.session = nil
            session.upstreamFailed(self, error?.isTimeout == true ? .readTimedOut : .resetBeforeResponse)
        }
    }
}

/// A failed attempt travels in `Result`s on the proxy's paths.
extension UpstreamFailure: Error {}
