import Reactor

extension SentinelConfiguration {
    /// The configuration a sentinel starts with: its persisted state when there is one (it knows the
    /// current master, epochs and peers: a restarted sentinel must not go back to the file's master), else
    /// the file with the supervisor's environment applied: `SENTINEL_MASTER` (`host:port`, the first
    /// master's address), `STORE_PASSWORD` (auth-pass where none is set). `STACK_ADDRESS`/`STACK_PORT`
    /// always set where it listens. Pure.
    public static func resolve(
        file: String, state: String?, environment: [String: String]
    ) throws(Problem) -> SentinelConfiguration {
        var configuration: SentinelConfiguration
        if let state {
            configuration = try parse(state)
        } else {
            configuration = try parse(file)
            if let text = environment["SENTINEL_MASTER"], !text.isEmpty {
                guard let address = SocketAddress(text), address.isLoopback, address.port != 0 else {
                    throw Problem(line: 0, reason: "SENTINEL_MASTER: expected a loopback host:port, got '\(text)'")
                }
                guard !configuration.masters.isEmpty else {
                    throw Problem(line: 0, reason: "SENTINEL_MASTER is set but the file monitors no master")
                }
                configuration.masters[0].address = address
            }
        }
        if let password = environment["STORE_PASSWORD"], !password.isEmpty {
            for index in configuration.masters.indices where configuration.masters[index].authPass == nil {
                configuration.masters[index].authPass = password
            }
        }
        if let host = environment["STACK_ADDRESS"], !host.isEmpty {
            guard let address = SocketAddress.parseIPv4(host), address >> 24 == 127 else {
                throw Problem(line: 0, reason: "STACK_ADDRESS: expected a loopback address, got '\(host)'")
            }
            configuration.bind = host
        }
        if let text = environment["STACK_PORT"], !text.isEmpty {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw Problem(line: 0, reason: "STACK_PORT: expected a port, got '\(text)'")
            }
            configuration.port = port
        }
        return configuration
    }
}
