import CShims
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Starts and signals child processes. Every child leads its own process group (so a signal reaches
/// the grandchildren it forks) and gets SIGKILL as its parent-death signal.
public enum ProcessSpawner {
    /// Starts `executable` with `arguments` (argv[1...]) and exactly `environment`; stdout and stderr go
    /// to the given descriptors (-1: /dev/null). Returns the pid, which is also the process group id.
    /// Throws when the executable cannot be run (not found, not executable): exec errors are reported
    /// synchronously.
    ///
    /// With `detached`, the child starts a session of its own and outlives the caller (a daemon such as
    /// the supervisor started by `stack up`); the caller must not wait for it.
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String], stdout: Int32 = -1,
        stderr: Int32 = -1, workingDirectory: String? = nil, detached: Bool = false
    ) throws(IOError) -> Int32 {
        let argv = [executable] + arguments
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let result = withCStrings(argv) { argvPointer in
            withCStrings(envp) { envPointer in
                let dieWithParent: Int32 = detached ? 0 : 1
                if let workingDirectory {
                    return cshim_spawn(
                        executable, argvPointer, envPointer, stdout, stderr, workingDirectory, dieWithParent)
                }
                return cshim_spawn(executable, argvPointer, envPointer, stdout, stderr, nil, dieWithParent)
            }
        }
        if result < 0 { throw IOError("start \(executable)", errno: -result) }
        return result
    }

    /// Sends `signal` to the whole process group `group`. A group that is already gone is not an error.
    public static func signalGroup(_ group: Int32, _ signal: Int32) {
        _ = kill(-group, signal)
    }

    /// Sends `signal` to one process.
    public static func signalProcess(_ pid: Int32, _ signal: Int32) {
        _ = kill(pid, signal)
    }

    /// Whether a process with this pid exists (it may be a zombie).
    public static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Finds `name`: a path containing "/" as is; otherwise beside `besides` (a directory) first, then on
    /// `PATH`. Nil if nothing executable is found.
    public static func findExecutable(_ name: String, besides directory: String?, path: String?) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        var directories: [String] = []
        if let directory { directories.append(directory) }
        directories += (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for directory in directories {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The directory of the running executable (`/proc/self/exe`).
    public static var executableDirectory: String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }
}

/// Calls `body` with a NULL-terminated C array of C strings for `strings`.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
