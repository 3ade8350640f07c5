import CShims
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// A non-blocking stream socket (TCP or Unix) on one event loop, with buffered, watermarked output.
///
/// Reading is level-triggered, one `read(2)` per readiness event, into `inbound`; the handler parses
/// what it can. Output goes to `outbound` and is flushed with one `write(2)` after each read batch, or
/// right away when written outside one. Above `highWatermark` pending bytes the connection stops
/// reading until output drains below `lowWatermark`, so a slow peer cannot grow memory without bound.
/// Confined to its loop's thread.
public final class Connection: Selectable, LoopClosable {
    /// The loop that owns this connection.
    public let loop: EventLoop
    /// The socket descriptor (-1 once closed).
    public private(set) var fd: Int32 {
        get { _fd }
        set { _fd = newValue }
    }
    /// The peer's address (for TCP), as accept(2) or connect(2) saw it.
    public let remoteAddress: SocketAddress?
    /// Receives reads, EOF, writability and close. Set it before the first event.
    public var handler: (any ConnectionHandler)? {
        get { _handler }
        set { _handler = newValue }
    }
    /// Bytes read and not yet consumed by the handler.
    public var inbound: ByteBuffer
    /// Bytes written and not yet sent.
    public private(set) var outbound: ByteBuffer
    /// Pending output above which reading pauses.
    public var highWatermark: Int {
        get { _highWatermark }
        set { _highWatermark = newValue }
    }
    /// Pending output below which reading resumes.
    public var lowWatermark: Int {
        get { _lowWatermark }
        set { _lowWatermark = newValue }
    }
    /// Inbound bytes above which reading pauses (the handler's codec limits normally trip first).
    public var maxInbound: Int {
        get { _maxInbound }
        set { _maxInbound = newValue }
    }
    /// When the last bytes arrived (loop time): for idle timeouts.
    public private(set) var lastReadAt: Instant {
        get { _lastReadAt }
        set { _lastReadAt = newValue }
    }
    /// Free-form slot for the owner (e.g. the server's per-connection state index).
    public var userData: Int = 0

    // The public properties above that the read path touches are computed over private storage. Another module
    // may access a public stored property in place, so the optimiser must keep a dynamic exclusivity check
    // (swift_beginAccess, ~90 instructions) on every access to it; private storage that is only ever read or
    // assigned whole lets it prove that no two accesses overlap and drop the checks. `inbound` and `outbound`
    // stay stored: they are mutated in place across calls, which needs the dynamic check anyway.
    private var _fd: Int32
    private var _handler: (any ConnectionHandler)?
    private var _highWatermark = 1 << 20
    private var _lowWatermark = 256 << 10
    private var _maxInbound = 16 << 20
    private var _lastReadAt: Instant

    private enum State { case connecting, open, closed }
    private var state: State
    private var isDispatchingRead = false
    private var isReadPaused = false
    private var isWritable = true
    private var closeWhenFlushed = false
    /// While set, output is kept instead of flushed after a read (`holdOutput`), until `releaseOutput`.
    public private(set) var isHoldingOutput = false
    private var sawEOF = false
    private var interest: Interest = []
    private var connectTimer: LoopTimer?
    private var connectCompletion: ((Result<Connection, IOError>) -> Void)?

    /// How many bytes one read asks for at most.
    public static let readChunk = 16 * 1024

    init(fd: Int32, loop: EventLoop, remoteAddress: SocketAddress?, connecting: Bool) {
        self._fd = fd
        self.loop = loop
        self.remoteAddress = remoteAddress
        self.inbound = ByteBuffer(capacity: 0)
        self.outbound = ByteBuffer(capacity: 0)
        self.state = connecting ? .connecting : .open
        self._lastReadAt = loop.now
    }

    /// Whether the connection is still open (or connecting).
    public var isOpen: Bool { state != .closed }

    /// Whether output is below the high watermark.
    public var isWritableNow: Bool { isWritable }

    /// Registers an accepted or connected descriptor for reading. Loop thread only.
    func activate() throws(IOError) {
        interest = .read
        try loop.register(fd, interest: .read, handler: self)
    }

    // MARK: - Connecting

    /// Opens a connection to `address` on `loop`, failing after `timeout`. `completion` runs on the loop
    /// thread with the open connection (set its handler there) or the error. Loop thread only.
    public static func connect(
        to address: SocketAddress, on loop: EventLoop, timeout: TimeAmount,
        _ completion: @escaping (Result<Connection, IOError>) -> Void
    ) {
        precondition(inLoop(loop))
        let fd: Int32
        do {
            fd = try syscallBlocking("create socket for \(address)") { cshim_socket(address.family, CSHIM_SOCK_STREAM) }
        } catch {
            completion(.failure(error))
            return
        }
        if case .ipv4 = address { setNoDelay(fd) }
        let connection = Connection(fd: fd, loop: loop, remoteAddress: address, connecting: true)
        connection.connectCompletion = completion
        do {
            let result = try address.withSockAddr { (pointer, length) throws(IOError) in
                try syscall("connect to \(address)") { Glibc.connect(fd, pointer, length) }
            }
            switch result {
            case .done:
                connection.interest = .read
                try loop.register(fd, interest: .read, handler: connection)
                connection.finishConnect(error: nil)
            case .wouldBlock:
                connection.interest = .write
                try loop.register(fd, interest: .write, handler: connection)
                connection.connectTimer = loop.schedule(after: timeout) { [weak connection] in
                    connection?.finishConnect(error: .timedOut("connect to \(address)"))
                }
            }
        } catch {
            connection.finishConnect(error: error)
        }
    }

    private static func inLoop(_ loop: EventLoop) -> Bool { loop.inEventLoop }

    private func finishConnect(error: IOError?) {
        guard let completion = connectCompletion else { return }
        connectCompletion = nil
        connectTimer?.cancel()
        connectTimer = nil
        if let error {
            close(error: error, notify: false)
            completion(.failure(error))
            return
        }
        state = .open
        lastReadAt = loop.now
        do {
            try setInterest(.read)
        } catch {
            close(error: error, notify: false)
            completion(.failure(error))
            return
        }
        completion(.success(self))
    }

    // MARK: - Events

    public func handleEvents(_ events: UInt32) {
        if state == .connecting {
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            let description = remoteAddress.map { "connect to \($0)" } ?? "connect"
            finishConnect(error: code == 0 ? nil : IOError(description, errno: code))
            return
        }
        if events & CSHIM_EPOLLOUT != 0 {
            flushNow()
            guard state == .open else { return }
        }
        if events & (CSHIM_EPOLLIN | CSHIM_EPOLLERR | CSHIM_EPOLLHUP | CSHIM_EPOLLRDHUP) != 0 {
            readOnce()
        }
    }

    private func readOnce() {
        guard state == .open, !sawEOF else { return }
        let fd = self.fd
        var outcome: Result<IOResult<Int>, IOError> = .success(.wouldBlock)
        inbound.writeWithUnsafeMutableBytes(minimumWritableBytes: Connection.readChunk) { raw in
            outcome = syscallOutcome("read from connection") { Glibc.read(fd, raw.baseAddress, raw.count) }
            if case .success(.done(let n)) = outcome { return n }
            return 0
        }
        let count: Int
        switch outcome {
        case .failure(let error):
            close(error: error)
            return
        case .success(.wouldBlock):
            return
        case .success(.done(let n)):
            count = n
        }
        lastReadAt = loop.now
        if count == 0 {
            sawEOF = true
            try? setInterest(interest.subtracting(.read))
            handler?.connectionDidReadEOF(self)
            return
        }
        isDispatchingRead = true
        handler?.connectionDidRead(self)
        isDispatchingRead = false
        guard state == .open else { return }
        if (closeWhenFlushed || !outbound.isEmpty) && !isHoldingOutput { flushNow() }
        if state == .open && inbound.readableBytes > maxInbound { pauseReading() }
    }

    // MARK: - Writing

    /// Appends bytes to the output. Flushed after the current read batch, or now outside one.
    public func write(_ buffer: ByteBuffer) {
        guard state != .closed else { return }
        outbound.writeBuffer(buffer)
        flushIfIdle()
    }

    /// Appends raw bytes to the output.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard state != .closed else { return }
        outbound.writeBytes(bytes)
        flushIfIdle()
    }

    /// Lets `body` append to the output buffer in place (no intermediate copy).
    public func withOutbound<R>(_ body: (inout ByteBuffer) throws -> R) rethrows -> R {
        let result = try body(&outbound)
        flushIfIdle()
        return result
    }

    private func flushIfIdle() {
        if !isDispatchingRead && !isHoldingOutput && state == .open { flushNow() }
    }

    /// Keeps this connection's output until `releaseOutput()`: a store under `appendfsync always` holds
    /// replies until the write they acknowledge is on disk. Loop thread only.
    public func holdOutput() { isHoldingOutput = true }

    /// Sends what was held (and whatever follows as usual).
    public func releaseOutput() {
        guard isHoldingOutput else { return }
        isHoldingOutput = false
        if state == .open && (closeWhenFlushed || !outbound.isEmpty) { flushNow() }
    }

    /// Sends as much pending output as the socket takes; waits for writability for the rest.
    public func flushNow() {
        guard state == .open else { return }
        // The pending count is tracked here rather than asked of `outbound` at each step: every access to that
        // public property is a dynamically checked one (~80 instructions), and this runs once per answer.
        var pending = outbound.readableBytes
        while pending > 0 {
            let fd = self.fd
            let outcome = outbound.withUnsafeReadableBytes { raw in
                syscallOutcome("write to connection") { Glibc.send(fd, raw.baseAddress, raw.count, CSHIM_MSG_NOSIGNAL) }
            }
            switch outcome {
            case .failure(let error):
                close(error: error)
                return
            case .success(.wouldBlock):
                break
            case .success(.done(let written)):
                outbound.moveReaderIndex(forwardBy: written)
                pending -= written
                continue
            }
            break
        }
        if pending == 0 {
            if closeWhenFlushed {
                close(error: nil)
                return
            }
            try? setInterest(interest.subtracting(.write))
        } else {
            try? setInterest(interest.union(.write))
        }
        updateWritability(pending: pending)
    }

    /// Applies the watermarks to `pending`, the bytes left in `outbound`.
    private func updateWritability(pending: Int) {
        if isWritable && pending > highWatermark {
            isWritable = false
            pauseReading()
            handler?.connectionWritabilityChanged(self, isWritable: false)
        } else if !isWritable && pending < lowWatermark {
            isWritable = true
            resumeReading()
            handler?.connectionWritabilityChanged(self, isWritable: true)
        }
    }

    /// Stops reading until `resumeReading()` (backpressure from the handler's side).
    public func pauseReading() {
        isReadPaused = true
        try? setInterest(interest.subtracting(.read))
    }

    /// Resumes reading after `pauseReading()`.
    public func resumeReading() {
        guard state == .open, !sawEOF, isWritable, inbound.readableBytes <= maxInbound else { return }
        isReadPaused = false
        try? setInterest(interest.union(.read))
        // Level-triggered epoll reports bytes that arrived while paused; parse what is already buffered.
        if !inbound.isEmpty, !isDispatchingRead {
            isDispatchingRead = true
            handler?.connectionDidRead(self)
            isDispatchingRead = false
            if state == .open && !outbound.isEmpty { flushNow() }
        }
    }

    private func setInterest(_ new: Interest) throws(IOError) {
        guard state != .closed, new != interest else { return }
        interest = new
        try loop.reregister(fd, interest: new)
    }

    // MARK: - Closing

    /// Stops reading, sends what is pending, then closes.
    public func closeGracefully() {
        guard state == .open else {
            if state == .connecting { close(error: nil) }
            return
        }
        closeWhenFlushed = true
        try? setInterest(interest.subtracting(.read))
        // Inside a read callback, readOnce flushes (and so closes) once the handler returns; held output
        // goes (and the connection closes) at `releaseOutput`.
        if !isDispatchingRead && !isHoldingOutput { flushNow() }
    }

    /// Half-close: sends what is pending, then shuts down the write side (the peer reads EOF).
    public func shutdownWrite() {
        flushNow()
        if state == .open { Glibc.shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Closes now, dropping pending output.
    public func close() { close(error: nil) }

    private func close(error: IOError?, notify: Bool = true) {
        guard state != .closed else { return }
        state = .closed
        connectTimer?.cancel()
        loop.deregister(fd)
        closeDescriptor(fd)
        fd = -1
        inbound.clear()
        outbound.clear()
        if notify {
            let handler = self.handler
            self.handler = nil
            handler?.connectionDidClose(self, error: error)
        }
    }

    func closeOnLoopShutdown() { close(error: IOError("run connection", reason: "event loop stopped")) }

    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), CSHIM_TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }
}
