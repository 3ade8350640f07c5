import Testing

@testable import Manifest

@Suite struct StackSpecInstancesTests {
    private func stack() throws -> StackSpec {
        try Fixtures.build(Fixtures.defaultStack, environment: Fixtures.secrets)
    }

    @Test("the default stack resolves to ten instances with addresses, references and STACK_ variables")
    func defaultStack() throws {
        let stack = try stack()
        var allocator = AddressAllocator(subnet: stack.subnet)
        let instances = try stack.resolveInstances(allocator: &allocator, rootDirectory: "/srv/evergreen/")
        #expect(
            instances.map(\.name) == [
                "balancer-1", "api-1", "api-2", "store-1", "store-2", "store-3", "sentinel-1", "sentinel-2",
                "sentinel-3", "monitor-1",
            ])
        #expect(
            instances.map(\.endpoint) == [
                "127.20.0.2:8080", "127.20.0.3:8081", "127.20.0.4:8081", "127.20.0.5:6379", "127.20.0.6:6379",
                "127.20.0.7:6379", "127.20.0.8:26379", "127.20.0.9:26379", "127.20.0.10:26379", "127.20.0.11:9090",
            ])
        #expect(instances[0].command == ["balancer", "--upstreams", "127.20.0.3:8081,127.20.0.4:8081"])

        let api2 = instances[2]
        #expect(api2.service == "api")
        #expect(api2.index == 2)
        #expect(api2[environment: "STORE_ADDRESSES"] == "127.20.0.5:6379,127.20.0.6:6379,127.20.0.7:6379")
        #expect(api2[environment: "SENTINEL_ADDRESSES"] == "127.20.0.8:26379,127.20.0.9:26379,127.20.0.10:26379")
        #expect(
            api2.environment.suffix(7).map { "\($0.name)=\($0.value)" } == [
                "STACK_PROJECT=evergreen", "STACK_SERVICE=api", "STACK_INSTANCE=2", "STACK_ADDRESS=127.20.0.4",
                "STACK_PORT=8081", "STACK_DATA_DIR=/srv/evergreen/.stack/data/api-2",
                "STACK_DISCOVERY_FILE=/srv/evergreen/.stack/run/endpoints.json",
            ])
        #expect(api2.dataDirectory == "/srv/evergreen/.stack/data/api-2")
        // Only a service with published addresses gets STACK_PUBLISH, after the other STACK_ variables.
        #expect(api2[environment: "STACK_PUBLISH"] == nil)
        #expect(instances[0].environment.last.map { "\($0.name)=\($0.value)" } == "STACK_PUBLISH=127.0.0.1:8080")
        #expect(instances[4][environment: "STORE_PRIMARY"] == "127.20.0.5:6379")
        #expect(
            instances[9][environment: "TARGETS"]
                == "127.20.0.2:8080,127.20.0.3:8081,127.20.0.4:8081,127.20.0.5:6379,127.20.0.6:6379,127.20.0.7:6379")
    }

    @Test("replica overrides scale a service without moving any other instance")
    func overrides() throws {
        let stack = try stack()
        var allocator = AddressAllocator(subnet: stack.subnet)
        let before = try stack.resolveInstances(allocator: &allocator, rootDirectory: "/r")
        let after = try stack.resolveInstances(
            replicas: ["api": 3, "sentinel": 1], allocator: &allocator, rootDirectory: "/r")
        let addresses = Dictionary(uniqueKeysWithValues: before.map { ($0.name, $0.address) })
        for instance in after where instance.name != "api-3" { #expect(addresses[instance.name] == instance.address) }
        #expect(after.first(where: { $0.name == "api-3" })?.address.description == "127.20.0.12")
        #expect(after.filter { $0.service == "sentinel" }.count == 1)
        #expect(after[0].command.last == "127.20.0.3:8081,127.20.0.4:8081,127.20.0.12:8081")
    }

    @Test("all the reference forms resolve")
    func referenceForms() throws {
        let stack = try Fixtures.build(
            """
            {"name": "demo", "services": {
              "store": {"command": ["store"], "port": 6379, "replicas": 2},
              "api": {"command": ["api", "--primary={{ store.1.address }}"], "port": 80, "environment": {
                "A": "{{store.addresses}}", "H": "{{store.hosts}}", "P": "{{store.port}}", "R": "{{store.replicas}}",
                "H2": "{{store.2.host}}", "N2": "{{store.2.name}}", "SELF": "{{api.1.address}}"}}}}
            """)
        var allocator = AddressAllocator(subnet: stack.subnet)
        let api = try #require(try stack.resolveInstances(allocator: &allocator, rootDirectory: "/r").last)
        #expect(api.command == ["api", "--primary=127.20.0.2:6379"])
        #expect(
            api.environment.prefix(7).map { "\($0.name)=\($0.value)" } == [
                "A=127.20.0.2:6379,127.20.0.3:6379", "H=127.20.0.2,127.20.0.3", "P=6379", "R=2", "H2=127.20.0.3",
                "N2=store-2", "SELF=127.20.0.4:80",
            ])
    }

    @Test("overrides naming unknown services, negative counts, and references to removed instances fail")
    func unresolvable() throws {
        let stack = try stack()
        var allocator = AddressAllocator(subnet: stack.subnet)
        #expect(
            throws: ManifestError.unresolvable([
                ManifestProblem(path: "replicas.apii", message: "unknown service \"apii\""),
                ManifestProblem(path: "replicas.store", message: "expected a non-negative integer, got -1"),
            ])
        ) {
            try stack.resolveInstances(replicas: ["apii": 2, "store": -1], allocator: &allocator, rootDirectory: "/r")
        }
        let referring = try Fixtures.build(
            """
            {"name": "demo", "services": {
              "store": {"command": ["store"], "port": 6379, "replicas": 2},
              "api": {"command": ["api", "{{store.2.address}}"], "port": 80, "replicas": 2}}}
            """)
        var referringAllocator = AddressAllocator(subnet: referring.subnet)
        #expect(
            throws: ManifestError.unresolvable([
                ManifestProblem(
                    path: "services.api.command[1]",
                    message: "{{store.2.address}} refers to instance 2, but store runs 1")
            ])
        ) {
            try referring.resolveInstances(replicas: ["store": 1], allocator: &referringAllocator, rootDirectory: "/r")
        }
    }

    @Test("scaling past the subnet fails with the capacity")
    func exhaustion() throws {
        let stack = try stack()
        var allocator = AddressAllocator(subnet: stack.subnet)
        #expect(
            throws: ManifestError.unresolvable([
                ManifestProblem(
                    path: "network.subnet", message: "127.20.0.0/24 has 253 usable addresses, the instances need 1008")
            ])
        ) { try stack.resolveInstances(replicas: ["api": 1000], allocator: &allocator, rootDirectory: "/r") }
    }
}
