import Core

/// One replica attached to this master (Redis's replica `client` with its `replstate`).
///
/// Confined to the keyspace's thread. The stream reaches the replica through its session's `deliver`;
/// while the replica waits for its snapshot, the stream is kept here and sent after it.
public final class ReplicaLink {
    /// Where the replica is in its synchronisation.
    public enum State: Equatable {
        /// Asked for a full sync while a snapshot child was busy: waits for the next BGSAVE to start.
        case waitingForSnapshotStart
        /// A BGSAVE for it runs; the stream since its fork is kept in `pending`.
        case waitingForSnapshot
        /// Gets the stream as it happens.
        case online
    }

    /// The replica's connection.
    public let session: ClientSession
    /// Its state.
    public internal(set) var state: State
    /// The port it serves clients on (REPLCONF listening-port), for INFO and ROLE.
    public internal(set) var listeningPort = 0
    /// The address it announced or connected from.
    public internal(set) var address: String
    /// The stream offset it acknowledged last (REPLCONF ACK).
    public internal(set) var acknowledgedOffset = 0
    /// When it last acknowledged, Unix milliseconds (INFO's lag, min-replicas-max-lag).
    public internal(set) var lastAcknowledgedAt: Int64
    /// The stream offset an acknowledgement must reach to count for min-replicas-to-write: after this
    /// process stalled (SIGSTOP, a frozen VM), the acknowledgements queued in the socket meanwhile say nothing
    /// about whether the replica still follows us, so only one answering the GETACK sent after the stall does.
    public internal(set) var acknowledgementFence = 0
    /// Stream bytes kept while its snapshot is being made.
    var pending = ByteBuffer()

    init(session: ClientSession, state: State, now: Int64) {
        self.session = session
        self.state = state
        self.lastAcknowledgedAt = now
        address = String(session.peer.split(separator: ":").first ?? "")
    }

    /// Sends stream bytes now, or keeps them until its snapshot is sent.
    func send(_ bytes: ByteBuffer) {
        switch state {
        case .online: session.deliver?(bytes)
        case .waitingForSnapshotStart: break  // Its snapshot will be taken later and include these writes.
        case .waitingForSnapshot: pending.writeBuffer(bytes)
        }
    }

    /// INFO's `state=`: Redis's names.
    var stateName: String {
        switch state {
        case .waitingForSnapshotStart: "wait_bgsave"
        case .waitingForSnapshot: "send_bulk"
        case .online: "online"
        }
    }
}
