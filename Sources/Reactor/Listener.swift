import CShims
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// A listening socket on one event loop that hands every accepted connection to `onAccept`.
///
/// TCP listeners set SO_REUSEADDR, and SO_REUSEPORT when asked so that one listener per loop shares a
/// port and the kernel spreads connections across loops. Unix listeners replace a stale socket file
/// and are created with mode 0600. Confined to its loop's thread.
public final class Listener: Selectable, LoopClosable {
    /// The loop that accepts.
    public let loop: EventLoop
    /// The bound address (with the real port when 0 was asked for).
    public let address: SocketAddress
    private var fd: Int32
    private let onAccept: (Connection) -> Void

    /// Binds and listens on `address`; call on `loop`'s thread. `onAccept` sets each connection's handler.
    public init(
        address: SocketAddress, on loop: EventLoop, backlog: Int32 = 1024, reusePort: Bool = false,
        onAccept: @escaping (Connection) -> Void
    ) throws(IOError) {
        precondition(loop.inEventLoop, "listen on the loop thread")
        self.loop = loop
        self.onAccept = onAccept
        let fd = try syscallBlocking("create socket for \(address)") { cshim_socket(address.family, CSHIM_SOCK_STREAM) }
        self.fd = fd
        do {
            var one: Int32 = 1
            let size = socklen_t(MemoryLayout<Int32>.size)
            if case .unix(let path) = address {
                unlink(path)
            } else {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size)
                if reusePort { setsockopt(fd, SOL_SOCKET, CSHIM_SO_REUSEPORT, &one, size) }
            }
            _ = try address.withSockAddr { (pointer, length) throws(IOError) in
                try syscallBlocking("bind \(address)") { Glibc.bind(fd, pointer, length) }
            }
            if case .unix(let path) = address {
                _ = try syscallBlocking("set mode 0600 on \(path)") { chmod(path, 0o600) }
            }
            _ = try syscallBlocking("listen on \(address)") { Glibc.listen(fd, backlog) }
            if case .unix = address {
                self.address = address
            } else {
                self.address = Listener.boundAddress(fd) ?? address
            }
            try loop.register(fd, interest: .read, handler: self)
        } catch {
            closeDescriptor(fd)
            throw error
        }
    }

    private static func boundAddress(_ fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return result == 0 ? SocketAddress.from(storage) : nil
    }

    /// Whether the listener still accepts.
    public var isOpen: Bool { fd >= 0 }

    public func handleEvents(_ events: UInt32) {
        // Accept a bounded batch so one busy listener cannot starve the loop's other descriptors.
        for _ in 0..<64 {
            guard fd >= 0 else { return }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let listenFD = fd
            let result: IOResult<Int32>
            do {
                result = try withUnsafeMutablePointer(to: &storage) { (pointer) throws(IOError) -> IOResult<Int32> in
                    try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        (raw) throws(IOError) -> IOResult<Int32> in
                        try syscall("accept on \(address)") { cshim_accept4(listenFD, raw, &length) }
                    }
                }
            } catch {
                // EMFILE/ENFILE/ECONNABORTED: the pending connection stays queued or is gone; try later.
                return
            }
            guard case .done(let clientFD) = result else { return }
            let peer = SocketAddress.from(storage)
            if case .ipv4 = address { Connection.setNoDelay(clientFD) }
            let connection = Connection(fd: clientFD, loop: loop, remoteAddress: peer, connecting: false)
            do {
                try connection.activate()
            } catch {
                closeDescriptor(clientFD)
                continue
            }
            onAccept(connection)
        }
    }

    /// Stops accepting and closes the socket (and removes a Unix socket file).
    public func close() {
        guard fd >= 0 else { return }
        loop.deregister(fd)
        closeDescriptor(fd)
        fd = -1
        if case .unix(let path) = address { unlink(path) }
    }

    func closeOnLoopShutdown() { close() }
}
