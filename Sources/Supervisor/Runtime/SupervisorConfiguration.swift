import Core

/// Where the supervisor finds its project and how it runs it.
public struct SupervisorConfiguration: Sendable {
    /// The project directory: manifest paths are relative to it, and state lives in `<root>/.stack/`.
    public var rootDirectory: String
    /// Manifest files, layered in order (`-f a.json -f b.json`); default `["stack.json"]`.
    public var files: [String]
    /// Active profiles (`--profile monitoring`).
    public var profiles: Set<String>
    /// The environment used for `${VAR}` interpolation (the CLI's own environment).
    public var environment: [String: String]
    /// TCP port of the supervisor's own `/metrics`, at the subnet's `.1` address.
    public var metricsPort: Int
    /// Directory searched first for bare program names in `command` (the `stack` executable's own).
    public var executableDirectory: String?

    public init(
        rootDirectory: String, files: [String] = ["stack.json"], profiles: Set<String> = [],
        environment: [String: String] = [:], metricsPort: Int = 9099, executableDirectory: String? = nil
    ) {
        self.rootDirectory = rootDirectory
        self.files = files
        self.profiles = profiles
        self.environment = environment
        self.metricsPort = metricsPort
        self.executableDirectory = executableDirectory
    }

    /// `<root>/.stack`.
    public var stateDirectory: String { rootDirectory + "/.stack" }
    /// `<root>/.stack/run/stack.sock`: the control API.
    public var socketPath: String { stateDirectory + "/run/stack.sock" }
    /// `<root>/.stack/run/endpoints.json`: the discovery file.
    public var discoveryPath: String { stateDirectory + "/run/endpoints.json" }
    /// `<root>/.stack/logs`.
    public var logDirectory: String { stateDirectory + "/logs" }
    /// `<root>/.stack/data`.
    public var dataDirectory: String { stateDirectory + "/data" }
}
