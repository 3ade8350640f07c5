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

    @Test("STORE_MASTER makes every instance but the master's own a replica; STACK_DATA_DIR is the data directory")
    func stackEnvironment() {
        let shared = ["STORE_MASTER": "127.20.0.2:6379", "STACK_PORT": "6379", "STACK_DATA_DIR": "/data/store-2"]
        var replica = StoreConfigurationLoader()
        replica.applyEnvironment(shared.merging(["STACK_ADDRESS": "127.20.0.3"]) { $1 })
        replica.validate()
        #expect(replica.configuration.replicaOf == MasterAddress(host: "127.20.0.2", port: 6379))
        #expect(replica.configuration.dir == "/data/store-2")
        var master = StoreConfigurationLoader()
        master.applyEnvironment(shared.merging(["STACK_ADDRESS": "127.20.0.2"]) { $1 })
        #expect(master.configuration.replicaOf == nil)
        var broken = StoreConfigurationLoader()
        broken.applyEnvironment(["STORE_MASTER": "nonsense"])
        #expect(broken.problems == ["STORE_MASTER: expected <host>:<port>, got 'nonsense'"])
    }

    @Test("replicaof takes a host and a port, or NO ONE, and only a loopback master")
    func replicaOf() {
        var loader = StoreConfigurationLoader()
        loader.applyFile("replicaof 127.0.0.9 6380\n", path: "store.conf")
        loader.validate()
        #expect(loader.configuration.replicaOf == MasterAddress(host: "127.0.0.9", port: 6380))
        var remote = StoreConfigurationLoader()
        remote.applyArguments(["--slaveof", "10.0.0.1", "6379"])
        remote.validate()
        #expect(remote.problems == ["replicaof: '10.0.0.1' is not an IPv4 loopback address (127.0.0.0/8)"])
    }
}
