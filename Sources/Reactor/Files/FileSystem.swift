import CShims
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// The few file operations the control plane needs, through the one syscall wrapper.
public enum FileSystem {
    /// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename.
    /// Readers see the old content or the new, never a torn file.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(IOError) {
        let temporary = "\(path).tmp.\(getpid())"
        do {
            try writeAndSync(
                { write throws(IOError) in
                    // withUnsafeBytes rethrows untyped errors: carry the typed one out as a value.
                    let outcome: Result<Void, IOError> = bytes.withUnsafeBytes { raw in
                        Result { () throws(IOError) in try write(raw) }
                    }
                    try outcome.get()
                }, to: temporary, mode: mode)
            try rename(temporary, to: path)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Reads a whole file; nil if it does not exist.
    public static func read(_ path: String) throws(IOError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw IOError("open \(path)", errno: errno)
        }
        defer { closeDescriptor(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError("read \(path)", errno: errno)
            }
            if n == 0 { return result }
            result += chunk[0..<n]
        }
    }

    /// Creates `path` and its missing parents with `mode`.
    public static func createDirectory(_ path: String, mode: mode_t = 0o755) throws(IOError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw IOError("create directory \(current)", errno: errno)
            }
        }
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Removes a directory tree (for `down --volumes`); missing paths are fine.
    public static func removeTree(_ path: String) {
        guard let directory = opendir(path) else {
            unlink(path)
            return
        }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let child = path + "/" + name
            var info = stat()
            if lstat(child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                removeTree(child)
            } else {
                unlink(child)
            }
        }
        closedir(directory)
        rmdir(path)
    }
}

extension FileSystem {
    /// Renames `source` to `destination` atomically (replacing it).
    public static func rename(_ source: String, to destination: String) throws(IOError) {
        _ = try syscallBlocking("rename \(source) to \(destination)") { Glibc.rename(source, destination) }
    }

    /// Removes a file; a missing one is fine.
    public static func remove(_ path: String) { unlink(path) }

    /// The size of the file at `path`, nil when it does not exist.
    public static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// Writes `bytes` to a new file at `path` (replacing it) and syncs it, without the rename step: for
    /// a snapshot child that renames nothing itself.
    public static func writeAndSync(
        _ chunks: (_ write: (UnsafeRawBufferPointer) throws(IOError) -> Void) throws(IOError) -> Void, to path: String,
        mode: mode_t = 0o644
    ) throws(IOError) {
        let fd = try syscallBlocking("create \(path)") { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
        defer { closeDescriptor(fd) }
        try chunks { bytes throws(IOError) in
            var offset = 0
            while offset < bytes.count {
                offset += try syscallBlocking("write \(path)") {
                    Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                }
            }
        }
        _ = try syscallBlocking("fsync \(path)") { fsync(fd) }
    }
}
