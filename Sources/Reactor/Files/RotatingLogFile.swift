import Core

#if canImport(Glibc)
    import Glibc
#endif

/// An append-only log file rotated by size: `name.log` -> `name.log.1` -> ... -> `name.log.<keep>`.
///
/// Writes are plain `write(2)` calls on an O_APPEND descriptor (no buffering, so a crash loses nothing
/// already written). Not thread-safe: owned by one loop thread.
public final class RotatingLogFile {
    /// The current file's path.
    public let path: String
    /// Size at which the file rotates.
    public let maxBytes: Int
    /// Rotated files kept.
    public let keep: Int
    private var fd: Int32 = -1
    private var size = 0

    /// Opens (creating) `path` for appending; parent directories must exist.
    public init(path: String, maxBytes: Int = 10 << 20, keep: Int = 3) throws(IOError) {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = keep
        try open()
    }

    deinit { if fd >= 0 { closeDescriptor(fd) } }

    private func open() throws(IOError) {
        let path = self.path
        fd = try syscallBlocking("open log file \(path)") {
            Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        }
        var info = stat()
        size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Appends `bytes`, rotating first if they would push the file past `maxBytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard fd >= 0, bytes.count > 0 else { return }
        if size > 0 && size + bytes.count > maxBytes { rotate() }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return  // disk full or similar: logs must never take the supervisor down
            }
            offset += n
        }
        size += bytes.count
    }

    /// Appends a buffer's readable bytes.
    public func write(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { write($0) }
    }

    private func rotate() {
        closeDescriptor(fd)
        fd = -1
        if keep > 0 {
            unlink("\(path).\(keep)")
            for index in stride(from: keep - 1, through: 1, by: -1) {
                rename("\(path).\(index)", "\(path).\(index + 1)")
            }
            rename(path, "\(path).1")
        } else {
            unlink(path)
        }
        try? open()
    }
}
