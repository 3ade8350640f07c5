/// One instance of a service, fully resolved: the supervisor spawns `command` with `environment`, and
/// the instance listens on `address`:`port`.
public struct InstanceSpec: Sendable, Equatable {
    /// `<service>-<index>`, such as `api-2`.
    public var name: String
    /// The service it belongs to.
    public var service: String
    /// 1-based position within the service.
    public var index: Int
    /// Its own loopback address.
    public var address: IPv4Address
    /// The port it listens on at `address`.
    public var port: Int
    /// The program and arguments with `{{…}}` references filled in.
    public var command: [String]
    /// The service's variables with references filled in, then the `STACK_*` variables.
    public var environment: [(name: String, value: String)]
    /// `<root>/.stack/data/<instance>`, also in `STACK_DATA_DIR`.
    public var dataDirectory: String

    /// An instance from its parts.
    public init(
        name: String, service: String, index: Int, address: IPv4Address, port: Int, command: [String],
        environment: [(name: String, value: String)], dataDirectory: String
    ) {
        self.name = name
        self.service = service
        self.index = index
        self.address = address
        self.port = port
        self.command = command
        self.environment = environment
        self.dataDirectory = dataDirectory
    }

    /// `address:port`.
    public var endpoint: String { "\(address):\(port)" }

    /// The value of variable `name`, or `nil`.
    public subscript(environment name: String) -> String? { environment.last(where: { $0.name == name })?.value }

    public static func == (a: InstanceSpec, b: InstanceSpec) -> Bool {
        a.name == b.name && a.service == b.service && a.index == b.index && a.address == b.address
            && a.port == b.port && a.command == b.command && a.environment.elementsEqual(b.environment, by: ==)
            && a.dataDirectory == b.dataDirectory
    }
}
