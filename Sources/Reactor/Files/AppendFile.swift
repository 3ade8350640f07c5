import CShims
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// A file opened for appending (the store's AOF), through the one syscall wrapper.
///
/// Writes are whole: a short write is continued until every byte is in the page cache or an error is
/// thrown. Durability is separate (`synchronize`), so the owner chooses the fsync policy. Confined to
/// its owner's thread, except `synchronizeData(fd:)`, which a background thread may call.
public final class AppendFile {
    /// Where the file is.
    public let path: String
    /// The open descriptor.
    public let fd: Int32
    /// The file's size: its size at open plus every byte written since.
    public private(set) var size: Int
    private var isClosed = false

    /// Opens (creating with mode 0644 when missing) `path` for appending.
    public init(path: String) throws(IOError) {
        self.path = path
        let fd = try syscallBlocking("open \(path)") { open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) }
        var info = stat()
        _ = try syscallBlocking("stat \(path)") { fstat(fd, &info) }
        self.fd = fd
        size = Int(info.st_size)
    }

    deinit { close() }

    /// Appends every byte of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
        var offset = 0
        while offset < bytes.count {
            let written = try syscallBlocking("write \(path)") {
                Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            }
            offset += written
        }
        size += bytes.count
    }

    /// Appends the readable bytes of `buffer`.
    public func write(_ buffer: ByteBuffer) throws(IOError) {
        let outcome: Result<Void, IOError> = buffer.withUnsafeReadableBytes { raw in
            Result { () throws(IOError) in try write(raw) }
        }
        try outcome.get()
    }

    /// Waits until what was written is on disk (fdatasync).
    public func synchronize() throws(IOError) {
        _ = try syscallBlocking("fdatasync \(path)") { fdatasync(fd) }
    }

    /// Cuts the file to `length` bytes (dropping a torn tail) and syncs.
    public func truncate(to length: Int) throws(IOError) {
        _ = try syscallBlocking("truncate \(path)") { ftruncate(fd, off_t(length)) }
        size = length
        try synchronize()
    }

    /// Closes the descriptor; later calls do nothing.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        closeDescriptor(fd)
    }

    /// fdatasync of a descriptor from a background thread (appendfsync everysec); errors are returned,
    /// since the caller only records them.
    public static func synchronizeData(fd: Int32) -> Int32 {
        while true {
            if fdatasync(fd) == 0 { return 0 }
            if errno != EINTR { return errno }
        }
    }

    /// Closes a descriptor handed over by `detachDescriptor` (on the background thread, after its syncs).
    public static func closeDetached(fd: Int32) { closeDescriptor(fd) }

    /// Gives up ownership of the descriptor without closing it: the background fsync thread closes it
    /// after its pending syncs (an AOF replaced by a rewrite).
    public func detachDescriptor() -> Int32 {
        isClosed = true
        return fd
    }
}
