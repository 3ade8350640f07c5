import Testing

@testable import Manifest

@Suite struct StackSpecTests {
    private func stack() throws -> StackSpec {
        try Fixtures.build(Fixtures.defaultStack, environment: Fixtures.secrets)
    }

    @Test("services start after their dependencies, ties broken by manifest order, and stop in reverse")
    func dependencyOrder() throws {
        let stack = try stack()
        #expect(stack.startOrder == ["store", "api", "balancer", "sentinel", "monitor"])
        #expect(stack.stopOrder == ["monitor", "sentinel", "balancer", "api", "store"])
    }

    @Test("a chain declared backwards still starts from its root")
    func backwardsChain() throws {
        let stack = try Fixtures.build(
            """
            {"name": "demo", "services": {
              "c": {"command": ["c"], "port": 1, "depends_on": ["b"]},
              "b": {"command": ["b"], "port": 2, "depends_on": ["a"]},
              "x": {"command": ["x"], "port": 3},
              "a": {"command": ["a"], "port": 4}}}
            """)
        #expect(stack.startOrder == ["x", "a", "b", "c"])
    }

    @Test("profiles: services without profiles always run, others only when a profile of theirs is active")
    func profiles() throws {
        let override = """
            {"services": {
              "debug": {"command": ["debugger"], "port": 7000, "profiles": ["debug", "dev"]},
              "seed": {"command": ["seed"], "port": 7001, "profiles": ["dev"], "depends_on": ["store"]}}}
            """
        let stack = try Fixtures.build(Fixtures.defaultStack, override, environment: Fixtures.secrets)
        let base = ["balancer", "api", "store", "sentinel", "monitor"]
        #expect(stack.services(activeProfiles: []).map(\.name) == base)
        #expect(stack.services(activeProfiles: ["debug"]).map(\.name) == base + ["debug"])
        #expect(stack.services(activeProfiles: ["dev"]).map(\.name) == base + ["debug", "seed"])
        #expect(try stack.selecting(profiles: ["debug"]).services.map(\.name) == base + ["debug"])
    }

    @Test("selecting profiles fails when an enabled service needs a disabled one")
    func profileDependency() throws {
        let stack = try Fixtures.build(
            """
            {"name": "demo", "services": {
              "api": {"command": ["api", "{{tracer.1.address}}"], "port": 1, "depends_on": ["tracer"]},
              "tracer": {"command": ["tracer"], "port": 2, "profiles": ["trace"]}}}
            """)
        #expect(try stack.selecting(profiles: ["trace"]).services.count == 2)
        #expect(throws: ManifestError.self) { try stack.selecting(profiles: []) }
        do {
            _ = try stack.selecting(profiles: [])
        } catch {
            #expect(
                error.description == """
                    unable to select profiles []: 2 problems
                      services.api.depends_on.tracer: tracer is not enabled by the active profiles (it needs one of: trace)
                      services.api.command[1]: {{tracer.1.address}}: tracer is not enabled by the active profiles (it needs one of: trace)
                    """)
        }
    }
}
