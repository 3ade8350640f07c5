/// A validated, immutable stack: what `stack.json` (and its override files) describe, after
/// interpolation, defaults and validation. Build one with `StackSpecBuilder` or `StackSpec.load`.
public struct StackSpec: Sendable, Equatable {
    /// The project name, used in `STACK_PROJECT` and logs.
    public var name: String
    /// The loopback network instances get their addresses from (default `127.20.0.0/24`).
    public var subnet: IPv4Subnet
    /// The env file path as written in the manifest (default `.env`), relative to the first manifest file.
    public var envFile: String
    /// Names of secret variables the env file must define; the supervisor generates missing ones.
    public var secrets: [String]
    /// The services in manifest order (the order of the first file that names each one).
    public var services: [ServiceSpec]
    /// The variables interpolation saw: the env file overlaid with the process environment. Kept so that
    /// `stack config` can mask secret values wherever they were interpolated.
    public var variables: [String: String]

    /// A stack from its parts; use `StackSpecBuilder` to get one validated.
    public init(
        name: String, subnet: IPv4Subnet, envFile: String = ".env", secrets: [String] = [], services: [ServiceSpec],
        variables: [String: String] = [:]
    ) {
        self.name = name
        self.subnet = subnet
        self.envFile = envFile
        self.secrets = secrets
        self.services = services
        self.variables = variables
    }

    /// The default subnet, `127.20.0.0/24`.
    public static let defaultSubnet = IPv4Subnet("127.20.0.0/24")!

    /// The service named `name`, if any.
    public subscript(service name: String) -> ServiceSpec? { services.first(where: { $0.name == name }) }

    /// The services that run when `activeProfiles` are active, in manifest order: those without
    /// profiles and those sharing one with `activeProfiles`.
    public func services(activeProfiles: Set<String>) -> [ServiceSpec] {
        services.filter { $0.isEnabled(activeProfiles: activeProfiles) }
    }
}
