#if canImport(Glibc)
    import Glibc
#endif

/// Byte-level reads of the small pseudo-files under /proc, with plain syscalls and no Foundation.
enum ProcFile {
    /// The whole content of `path`, or nil if it cannot be opened or read.
    ///
    /// /proc files report a size of 0, so this reads until end of file instead of trusting `stat`.
    static func read(_ path: String) -> [UInt8]? {
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                content.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return content
            } else if errno != EINTR {
                return nil
            }
        }
    }

    /// How many entries `path` (a directory) has, not counting `.` and `..`, or nil if it cannot be read.
    static func countEntries(_ path: String) -> Int? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDotOrDotDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDotOrDotDot { count += 1 }
        }
        return count
    }

    /// The unsigned decimal that starts `bytes`, or nil if it does not start with a digit.
    static func parseUnsigned(_ bytes: some Collection<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        var sawDigit = false
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { break }
            let (shifted, overflowMultiply) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAdd) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflowMultiply || overflowAdd { return nil }
            value = next
            sawDigit = true
        }
        return sawDigit ? value : nil
    }
}
