import Foundation

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
        let directory = (files[0] as NSString).deletingLastPathComponent
        let envPath =
            builder.envFilePath.hasPrefix("/")
            ? builder.envFilePath : (directory as NSString).appendingPathComponent(builder.envFilePath)
        if FileManager.default.fileExists(atPath: envPath) {
            builder.envFile = try EnvironmentFile(
                parsing: String(decoding: try read(envPath), as: UTF8.self), file: builder.envFilePath)
        } else if builder.envFilePath != ".env" {
            throw .unreadable(envPath, "no such file (named by env_file)")
        }
        return try builder.build()
    }

    /// The bytes of `path`, or `unreadable` with the system's reason.
    static func read(_ path: String) throws(ManifestError) -> [UInt8] {
        // Foundation's own wording differs between platforms; the common case gets a fixed one.
        guard FileManager.default.fileExists(atPath: path) else { throw .unreadable(path, "no such file") }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw .unreadable(path, reason)
        }
    }
}
