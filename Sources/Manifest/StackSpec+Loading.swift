#if canImport(Glibc)
    import Glibc
#endif

extension StackSpec {
    /// Reads, merges and validates manifest files (`stack -f a.json -f b.json`) and the env file the
    /// merged manifest names (relative to the first file's directory; a missing default `.env` is
    /// fine, a missing explicit `env_file` is not).
    ///
    /// Secrets are not generated here: a secret the env file lacks is a problem. The supervisor uses
    /// `StackSpecBuilder` directly to fill them in first.
    ///
    /// - Throws: `unreadable` for a file that cannot be read or parsed, `invalid` otherwise.
    public static func load(files: [String], environment: [String: String]) throws(ManifestError) -> StackSpec {
        precondition(!files.isEmpty, "at least one manifest file is needed")
        var builder = StackSpecBuilder(environment: environment)
        for file in files { try builder.addLayer(try read(file), name: file) }
        let directory = files[0].lastIndex(of: "/").map { String(files[0][..<$0]) } ?? "."
        let envPath = builder.envFilePath.hasPrefix("/") ? builder.envFilePath : directory + "/" + builder.envFilePath
        if access(envPath, F_OK) == 0 {
            builder.envFile = try EnvironmentFile(
                parsing: String(decoding: try read(envPath), as: UTF8.self), file: builder.envFilePath)
        } else if builder.envFilePath != ".env" {
            throw .unreadable(envPath, "no such file (named by env_file)")
        }
        return try builder.build()
    }

    /// The bytes of `path`, or `unreadable` with the system's reason. (Plain read(2): the manifest
    /// layer stays free of Foundation, so the supervisor that links it stays small.)
    static func read(_ path: String) throws(ManifestError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .unreadable(path, errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path, String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }
}
