import Core
import JSON
import Reactor

extension BalancerConfiguration {
    /// Applies the environment and flags over a decoded file, collecting a problem for each bad value.
    struct Overrides {
        /// Everything wrong so far, sources being variable and flag names.
        var problems: [BalancerConfigurationError.Problem] = []

        private mutating func report(_ source: String, _ reason: String) {
            problems.append(.init(source: source, reason: reason))
        }

        mutating func apply(environment: [String: String], to configuration: inout BalancerConfiguration) {
            func value(_ name: String) -> String? {
                guard let value = environment[name], !value.isEmpty else { return nil }
                return value
            }
            if let text = value("STACK_ADDRESS") { setHost(text, source: "STACK_ADDRESS", in: &configuration) }
            if let text = value("STACK_PORT") { setPort(text, source: "STACK_PORT", in: &configuration) }
            if let text = value("STACK_PUBLISH") {
                var addresses: [SocketAddress] = []
                for item in text.split(separator: ",") {
                    let item = item.trimmingSpaces
                    guard !item.isEmpty else { continue }
                    switch BalancerConfigurationDecoder.loopbackAddress(item) {
                    case .success(let address): if !addresses.contains(address) { addresses.append(address) }
                    case .failure(let problem): report("STACK_PUBLISH", problem.reason)
                    }
                }
                configuration.publishedAddresses = addresses
            }
            if let path = value("STACK_DISCOVERY_FILE") { configuration.discoveryFile = path }
            if let name = value("BALANCER_UPSTREAM_SERVICE") {
                if BalancerConfigurationDecoder.isServiceName(name) {
                    configuration.upstreams = .service(name)
                } else {
                    report(
                        "BALANCER_UPSTREAM_SERVICE",
                        "expected a service name (letters, digits, _ and -), got \(JSONValue.quoted(name))")
                }
            }
            if let text = value("LOG_LEVEL") { setLevel(text, source: "LOG_LEVEL", in: &configuration) }
            if let text = value("BALANCER_THREADS") { setThreads(text, source: "BALANCER_THREADS", in: &configuration) }
        }

        mutating func apply(arguments: [String], to configuration: inout BalancerConfiguration) {
            var upstreams: [StaticUpstream] = []
            var index = 0
            while index < arguments.count {
                let flag = arguments[index]
                guard BalancerConfiguration.flags.contains(flag) else {
                    report(
                        flag, "unknown option (expected one of \(BalancerConfiguration.flags.joined(separator: ", ")))")
                    index += 1
                    continue
                }
                guard index + 1 < arguments.count else {
                    report(flag, "missing value")
                    break
                }
                let text = arguments[index + 1]
                switch flag {
                case "--bind": setHost(text, source: flag, in: &configuration)
                case "--port": setPort(text, source: flag, in: &configuration)
                case "--log-level": setLevel(text, source: flag, in: &configuration)
                case "--threads": setThreads(text, source: flag, in: &configuration)
                case "--upstream":
                    switch BalancerConfigurationDecoder.loopbackAddress(text) {
                    case .success(let address):
                        if upstreams.contains(where: { $0.address == address }) {
                            report(flag, "\(address) is given twice")
                        } else {
                            upstreams.append(StaticUpstream(address: address))
                        }
                    case .failure(let problem): report(flag, problem.reason)
                    }
                default: break  // --config: the file was read before resolving.
                }
                index += 2
            }
            if !upstreams.isEmpty { configuration.upstreams = .fixed(upstreams) }
        }

        // MARK: - Values

        private mutating func setThreads(_ text: String, source: String, in configuration: inout BalancerConfiguration)
        {
            guard let count = Int(text), (1...256).contains(count) else {
                report(source, "expected a number of event loops from 1 to 256, got \(JSONValue.quoted(text))")
                return
            }
            configuration.threads = count
        }

        private mutating func setHost(_ text: String, source: String, in configuration: inout BalancerConfiguration) {
            guard let address = SocketAddress.parseIPv4(text) else {
                report(source, "expected an IPv4 address, got \(JSONValue.quoted(text))")
                return
            }
            guard address >> 24 == 127 else {
                report(source, "expected a loopback address (127.0.0.0/8), got \(JSONValue.quoted(text))")
                return
            }
            if case .ipv4(_, let port) = configuration.listenAddress {
                configuration.listenAddress = .ipv4(address: address, port: port)
            }
        }

        private mutating func setPort(_ text: String, source: String, in configuration: inout BalancerConfiguration) {
            guard let port = Int(text), (0...65_535).contains(port) else {
                report(source, "expected a port from 0 to 65535, got \(JSONValue.quoted(text))")
                return
            }
            setPort(port, in: &configuration)
        }

        private func setPort(_ port: Int, in configuration: inout BalancerConfiguration) {
            if case .ipv4(let address, _) = configuration.listenAddress {
                configuration.listenAddress = .ipv4(address: address, port: UInt16(port))
            }
        }

        private mutating func setLevel(_ text: String, source: String, in configuration: inout BalancerConfiguration) {
            guard let level = Logger.Level(name: text) else {
                report(source, "expected debug, info, warn or error, got \(JSONValue.quoted(text))")
                return
            }
            configuration.logLevel = level
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces (Foundation's trimming, without Foundation).
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
