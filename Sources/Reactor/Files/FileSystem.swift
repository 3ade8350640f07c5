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
        let fd = try syscallBlocking("create \(temporary)") {
            open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                closeDescriptor(fd)
                unlink(temporary)
                throw IOError("write \(temporary)", errno: code)
            }
            offset += written
        }
        _ = fsync(fd)
        closeDescriptor(fd)
        if Glibc.rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw IOError("rename \(temporary) to \(path)", errno: code)
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
