import CShims
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// The read end of a pipe on an event loop (a child's stdout/stderr): hands each chunk to `onRead`,
/// then `onEOF` once the writers have all closed. Confined to its loop's thread.
public final class PipeReader: Selectable, LoopClosable {
    private let loop: EventLoop
    private var fd: Int32
    private var buffer = ByteBuffer(capacity: 0)
    /// Called with the bytes of each read.
    public var onRead: ((inout ByteBuffer) -> Void)?
    /// Called once at end of file.
    public var onEOF: (() -> Void)?

    /// Creates a pipe; returns the reader (registered on `loop`) and the write end for the child.
    /// The caller closes the write end after spawning. Loop thread only.
    public static func makePipe(on loop: EventLoop) throws(IOError) -> (reader: PipeReader, writeFD: Int32) {
        var fds: [Int32] = [0, 0]
        _ = try syscallBlocking("create pipe") { cshim_pipe2(&fds) }
        let flags = fcntl(fds[0], F_GETFL)
        _ = fcntl(fds[0], F_SETFL, flags | O_NONBLOCK)
        let reader = PipeReader(loop: loop, fd: fds[0])
        do {
            try loop.register(fds[0], interest: .read, handler: reader)
        } catch {
            closeDescriptor(fds[0])
            closeDescriptor(fds[1])
            throw error
        }
        return (reader, fds[1])
    }

    private init(loop: EventLoop, fd: Int32) {
        self.loop = loop
        self.fd = fd
    }

    public func handleEvents(_ events: UInt32) {
        guard fd >= 0 else { return }
        let fd = self.fd
        var outcome: Result<IOResult<Int>, IOError> = .success(.wouldBlock)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 16 * 1024) { raw in
            outcome = syscallOutcome("read from pipe") { Glibc.read(fd, raw.baseAddress, raw.count) }
            if case .success(.done(let n)) = outcome { return n }
            return 0
        }
        switch outcome {
        case .success(.wouldBlock):
            return
        case .success(.done(let count)) where count > 0:
            onRead?(&buffer)
        case .success(.done), .failure:
            close()
        }
    }

    /// Stops reading and closes the pipe (calls `onEOF`).
    public func close() {
        guard fd >= 0 else { return }
        loop.deregister(fd)
        closeDescriptor(fd)
        fd = -1
        let onEOF = self.onEOF
        self.onEOF = nil
        self.onRead = nil
        onEOF?()
    }

    func closeOnLoopShutdown() { close() }
}
