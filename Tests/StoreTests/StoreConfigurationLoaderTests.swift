import Testing

@testable import Store

@Suite struct StoreConfigurationLoaderTests {
    @Test("file, then arguments override the environment; every problem is reported")
    func precedence() {
        var loader = StoreConfigurationLoader()
        loader.applyEnvironment(["STACK_PORT": "7000", "STORE_PASSWORD": "pw"])
        loader.applyFile("# comment\nport 7001\nmaxclients 5\nsave \"900 1\"\n", path: "store.conf")
        loader.applyArguments(["--port", "7002"])
        loader.validate()
        #expect(loader.problems.isEmpty)
        #expect(loader.configuration.port == 7002)
        #expect(loader.configuration.maxClients == 5)
        #expect(loader.configuration.save == "900 1")
        #expect(loader.configuration.requirePass == "pw")
        #expect(loader.configuration.effectiveMetricsPort == 17002)
    }

    @Test("a non-loopback bind and unknown directives are refused together")
    func problems() {
        var loader = StoreConfigurationLoader()
        loader.applyFile("bind 0.0.0.0\nfrobnicate yes\n", path: "x.conf")
        loader.applyArguments(["--maxclients", "zero"])
        loader.validate()
        #expect(loader.problems.count == 3)
        #expect(loader.problems.contains { $0.contains("not an IPv4 loopback") })
        #expect(loader.problems.contains { $0.contains("unknown directive 'frobnicate'") })
    }
}
