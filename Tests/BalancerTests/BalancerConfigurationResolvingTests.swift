import Core
import Reactor
import Testing

@testable import Balancer

@Suite struct BalancerConfigurationResolvingTests {
    private let stackEnvironment = [
        "STACK_ADDRESS": "127.20.0.9", "STACK_PORT": "8080", "STACK_DISCOVERY_FILE": "/srv/.stack/run/endpoints.json",
        "STACK_PUBLISH": "127.0.0.1:8080, 127.0.0.1:8443",
    ]

    private func resolve(
        _ json: String?, environment: [String: String], arguments: [String] = []
    ) throws(BalancerConfigurationError) -> BalancerConfiguration {
        try BalancerConfiguration.resolve(
            file: json.map { Array($0.utf8) }, environment: environment, arguments: arguments)
    }

    private func problems(_ json: String?, environment: [String: String], arguments: [String] = []) -> [String] {
        do {
            _ = try resolve(json, environment: environment, arguments: arguments)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test("the stack's environment sets the addresses and the discovery file")
    func setByTheStack() throws {
        let configuration = try resolve(#"{"upstreams": {"service": "api"}}"#, environment: stackEnvironment)
        #expect(configuration.listenAddress == SocketAddress("127.20.0.9:8080"))
        #expect(
            configuration.publishedAddresses == [SocketAddress("127.0.0.1:8080")!, SocketAddress("127.0.0.1:8443")!])
        #expect(configuration.discoveryFile == "/srv/.stack/run/endpoints.json")
        #expect(configuration.adminAddress == SocketAddress("127.20.0.9:18080"))
        #expect(configuration.upstreams == .service("api"))
    }

    @Test("the environment overrides the file and flags override the environment")
    func precedence() throws {
        var environment = stackEnvironment
        environment["BALANCER_UPSTREAM_SERVICE"] = "web"
        environment["LOG_LEVEL"] = "debug"
        let fromEnvironment = try resolve(#"{"upstreams": {"service": "api"}}"#, environment: environment)
        #expect(fromEnvironment.upstreams == .service("web"))
        #expect(fromEnvironment.logLevel == .debug)

        let fromFlags = try resolve(
            #"{"upstreams": {"service": "api"}}"#, environment: environment,
            arguments: [
                "--config", "x.json", "--bind", "127.0.0.5", "--port", "9090", "--upstream", "127.0.0.1:8001",
                "--upstream", "127.0.0.1:8002", "--log-level", "error",
            ])
        #expect(fromFlags.listenAddress == SocketAddress("127.0.0.5:9090"))
        #expect(
            fromFlags.upstreams
                == .fixed([
                    .init(address: SocketAddress("127.0.0.1:8001")!), .init(address: SocketAddress("127.0.0.1:8002")!),
                ]))
        #expect(fromFlags.logLevel == .error)
    }

    @Test("static upstreams need no discovery file; a service does")
    func discoveryFileRequirement() {
        #expect(problems(#"{"upstreams": {"static": [{"address": "127.0.0.1:8000"}]}}"#, environment: [:]) == [])
        #expect(problems(nil, environment: [:], arguments: ["--upstream", "127.0.0.1:8000"]) == [])
        #expect(
            problems(nil, environment: [:]) == [
                #"STACK_DISCOVERY_FILE: required to find the instances of "api" (the stack sets it); or give --upstream <host>:<port>"#
            ])
    }

    @Test("bad environment values and flags name their variable or flag")
    func environmentAndFlagProblems() {
        let environment = [
            "STACK_ADDRESS": "10.0.0.1", "STACK_PORT": "http", "STACK_PUBLISH": "127.0.0.1:80,0.0.0.0:80",
            "BALANCER_UPSTREAM_SERVICE": "a b", "LOG_LEVEL": "loud", "STACK_DISCOVERY_FILE": "/d",
        ]
        #expect(
            problems("{}", environment: environment, arguments: ["--upstream", "127.0.0.1", "--nope", "--port"]) == [
                #"STACK_ADDRESS: expected a loopback address (127.0.0.0/8), got "10.0.0.1""#,
                #"STACK_PORT: expected a port from 0 to 65535, got "http""#,
                #"STACK_PUBLISH: expected a loopback address (127.0.0.0/8), got "0.0.0.0:80""#,
                #"BALANCER_UPSTREAM_SERVICE: expected a service name (letters, digits, _ and -), got "a b""#,
                #"LOG_LEVEL: expected debug, info, warn or error, got "loud""#,
                #"--upstream: expected <IPv4 address>:<port other than 0>, got "127.0.0.1""#,
                "--nope: unknown option (expected one of --config, --bind, --port, --upstream, --log-level, --threads)",
                "--port: missing value",
            ])
    }

    @Test("file problems and environment problems are reported together")
    func fileAndEnvironmentTogether() {
        #expect(
            problems(#"{"retries": -1}"#, environment: ["STACK_PORT": "70000", "STACK_DISCOVERY_FILE": "/d"]) == [
                "balancer.json: retries: expected an integer from 0 to 10, got -1",
                #"STACK_PORT: expected a port from 0 to 65535, got "70000""#,
            ])
    }

    @Test("an admin port past 65535 is refused; port 0 keeps the admin port 0")
    func adminPort() throws {
        let environment = ["STACK_DISCOVERY_FILE": "/d", "STACK_PORT": "60000"]
        #expect(
            problems("{}", environment: environment) == [
                "balancer.json: admin.port_offset: port 60000 + 10000 is past 65535; choose a smaller offset or admin.address"
            ])
        let ephemeral = try resolve("{}", environment: ["STACK_DISCOVERY_FILE": "/d", "STACK_PORT": "0"])
        #expect(ephemeral.adminAddress == SocketAddress("127.0.0.1:0"))
    }

    @Test("--config is found among the other flags")
    func configurationPath() {
        #expect(
            BalancerConfiguration.configurationPath(arguments: ["--port", "--config", "--config", "b.json"]) == "b.json"
        )
        #expect(BalancerConfiguration.configurationPath(arguments: ["--port", "1"]) == nil)
    }

    @Test("load reads --config, and refuses a --config that does not exist")
    func load() throws {
        let path = "/tmp/balancer-config-test-\(UInt64.random(in: 0...UInt64.max)).json"
        try FileSystem.writeAtomically(Array(#"{"retries": 5, "health_check": {"fall": 0}}"#.utf8), to: path)
        defer { FileSystem.remove(path) }
        let error = #expect(throws: BalancerConfigurationError.self) {
            try BalancerConfiguration.load(environment: ["STACK_DISCOVERY_FILE": "/d"], arguments: ["--config", path])
        }
        #expect(error?.description == "\(path): health_check.fall: expected an integer from 1 to 100, got 0")
        try FileSystem.writeAtomically(Array(#"{"retries": 5}"#.utf8), to: path)
        let configuration = try BalancerConfiguration.load(
            environment: ["STACK_DISCOVERY_FILE": "/d"], arguments: ["--config", path])
        #expect(configuration.retries == 5)
        #expect(throws: BalancerConfigurationError.self) {
            try BalancerConfiguration.load(environment: [:], arguments: ["--config", path + ".missing"])
        }
    }

    @Test("the default stack's balancer.json is valid")
    func shippedFile() throws {
        // Tests run from the package root.
        let bytes = try #require(try BalancerConfiguration.load(path: BalancerConfiguration.defaultPath))
        let configuration = try BalancerConfiguration.resolve(
            file: bytes, named: BalancerConfiguration.defaultPath, environment: stackEnvironment, arguments: [])
        #expect(configuration.upstreams == .service("api"))
        #expect(configuration.servedByHeader != nil)
    }
}
