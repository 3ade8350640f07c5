import Core
import Testing

@testable import Manifest

@Suite struct StackSpecBuilderTests {
    @Test("the default stack validates with the manifest's values and defaults filled in")
    func defaultStack() throws {
        let stack = try Fixtures.build(Fixtures.defaultStack, environment: Fixtures.secrets)
        #expect(stack.name == "evergreen")
        #expect(stack.subnet.description == "127.20.0.0/24")
        #expect(stack.envFile == ".env")
        #expect(stack.secrets == ["STORE_PASSWORD", "API_ADMIN_TOKEN", "SECRET_KEY"])
        #expect(stack.services.map(\.name) == ["balancer", "api", "store", "sentinel", "monitor"])
        #expect(stack.services.map(\.replicas) == [1, 2, 3, 3, 1])

        let balancer = try #require(stack[service: "balancer"])
        #expect(balancer.publish == [PublishedAddress("127.0.0.1:8080")!])
        #expect(balancer.dependencies.map(\.service) == ["api"])
        #expect(balancer.condition(on: "api") == .healthy)
        #expect(balancer.restart == .always)
        #expect(balancer.healthCheck == HealthCheckSpec(probe: .http(path: "/health")))
        #expect(balancer.stopSignal == .terminate)
        #expect(balancer.stopGracePeriod == .seconds(Int64(10)))

        let api = try #require(stack[service: "api"])
        #expect(api.restart == .onFailure(maxRetries: 5))
        #expect(api.healthCheck?.interval == .seconds(Int64(2)))
        #expect(api.healthCheck?.isLiveness == true)
        #expect(api.environment.first(where: { $0.name == "STORE_PASSWORD" })?.value == "s3cret-store-pw")
        #expect(api.environment.first(where: { $0.name == "LOG_LEVEL" })?.value == "info")

        let store = try #require(stack[service: "store"])
        #expect(store.command == ["store", "--requirepass", "s3cret-store-pw"])
        #expect(
            store.healthCheck
                == HealthCheckSpec(probe: .tcp, interval: .seconds(Int64(1)), timeout: .milliseconds(500)))
        #expect(store.stopGracePeriod == .seconds(Int64(30)))

        let sentinel = try #require(stack[service: "sentinel"])
        #expect(sentinel.command == ["store", "--sentinel", "services/store/sentinel.conf"])
        #expect(sentinel.condition(on: "store") == .started)
        #expect(sentinel.environment.first(where: { $0.name == "QUORUM" })?.value == "2")

        let monitor = try #require(stack[service: "monitor"])
        #expect(monitor.stopSignal.name == "SIGINT")
        #expect(monitor.restart == .unlessStopped)
    }

    @Test("the default stack lists its secrets as missing until the env file or environment defines them")
    func missingSecrets() throws {
        var builder = StackSpecBuilder()
        try builder.addLayer(Array(Fixtures.defaultStack.utf8), name: "stack.json")
        #expect(builder.missingSecrets == ["STORE_PASSWORD", "API_ADMIN_TOKEN", "SECRET_KEY"])
        #expect(builder.envFilePath == ".env")
        builder.envFile = try EnvironmentFile(parsing: "STORE_PASSWORD=a\nSECRET_KEY=b\n")
        builder.environment = ["API_ADMIN_TOKEN": "c"]
        #expect(builder.missingSecrets == [])
        #expect(throws: Never.self) { try builder.build() }
    }

    @Test("later layers override replica counts, add variables and replace command arrays")
    func layering() throws {
        let override = """
            {
              "services": {
                "api": {"replicas": 4, "environment": {"EXTRA": "yes", "LOG_LEVEL": "debug"}},
                "store": {"command": ["store", "--appendonly"]},
                "debug": {"command": ["debugger"], "port": 7000, "profiles": ["debug"]}
              }
            }
            """
        let stack = try Fixtures.build(Fixtures.defaultStack, override, environment: Fixtures.secrets)
        let api = try #require(stack[service: "api"])
        #expect(api.replicas == 4)
        #expect(api.port == 8081)
        #expect(api.environment.map(\.name).suffix(2) == ["LOG_LEVEL", "EXTRA"])
        #expect(api.environment.first(where: { $0.name == "LOG_LEVEL" })?.value == "debug")
        #expect(api.environment.count == 7)
        #expect(stack[service: "store"]?.command == ["store", "--appendonly"])
        #expect(stack[service: "store"]?.replicas == 3)
        #expect(stack.services.map(\.name) == ["balancer", "api", "store", "sentinel", "monitor", "debug"])
    }

    @Test("interpolation: set variables, defaults, $$ and the process environment winning over the env file")
    func interpolation() throws {
        var builder = StackSpecBuilder(environment: ["PORT_VAR": "from-environment"])
        builder.envFile = try EnvironmentFile(parsing: "PORT_VAR=from-file\nNAME=file-name\n")
        try builder.addLayer(
            Array(
                Fixtures.api(
                    #""environment": {"A": "${PORT_VAR}", "B": "${NAME}", "C": "${UNSET:-dflt}", "D": "$$HOME", "E": true}"#
                ).utf8), name: "stack.json")
        let stack = try builder.build()
        let environment = try #require(stack[service: "api"]).environment
        #expect(environment.map(\.value) == ["from-environment", "file-name", "dflt", "$HOME", "true"])
    }

    @Test("compose's long dependency form and the array of names both work")
    func dependencyForms() throws {
        let stack = try Fixtures.build(
            """
            {"name": "demo", "services": {
              "api": {"command": ["api"], "port": 1, "depends_on": {"store": {"condition": "service_healthy"}}},
              "web": {"command": ["web"], "port": 2, "depends_on": ["api", "store"]},
              "store": {"command": ["store"], "port": 3, "healthcheck": {"exec": ["store-cli", "ping"]}}}}
            """)
        #expect(stack[service: "api"]?.condition(on: "store") == .healthy)
        #expect(stack[service: "web"]?.dependencies.map(\.condition) == [.started, .started])
        #expect(stack[service: "store"]?.healthCheck?.probe == .exec(argv: ["store-cli", "ping"]))
    }
}
