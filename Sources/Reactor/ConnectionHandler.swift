/// What a connection tells its owner. Every method runs on the connection's loop thread.
public protocol ConnectionHandler: AnyObject {
    /// Bytes arrived: `connection.inbound` holds every byte not yet consumed. Consume what you parsed
    /// (`moveReaderIndex`) and leave the rest for next time. Output written here is flushed once after
    /// this returns, so a pipelined batch of requests costs one `write(2)`.
    func connectionDidRead(_ connection: Connection)

    /// The peer shut down its side (read EOF). The default closes once pending output is flushed.
    func connectionDidReadEOF(_ connection: Connection)

    /// Pending output crossed a watermark: `false` above the high one (reading is paused), `true` once
    /// below the low one again (reading resumed).
    func connectionWritabilityChanged(_ connection: Connection, isWritable: Bool)

    /// The connection is closed; `error` is nil for an orderly close. Called exactly once.
    func connectionDidClose(_ connection: Connection, error: IOError?)
}

extension ConnectionHandler {
    public func connectionDidReadEOF(_ connection: Connection) { connection.closeGracefully() }
    public func connectionWritabilityChanged(_ connection: Connection, isWritable: Bool) {}
}
