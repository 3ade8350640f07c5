import Testing

@testable import Store

@Suite struct ConnectionCommandsTests {
    @Test("unknown commands and wrong arity get Redis's exact errors")
    func errors() {
        let store = StoreHarness()
        #expect(store.run("FOO", "a", "b") == "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n")
        #expect(store.run("GET") == "-ERR wrong number of arguments for 'get' command\r\n")
        #expect(store.run("SELECT", "1") == "-ERR DB index is out of range\r\n")
        #expect(store.run("SELECT", "0") == "+OK\r\n")
    }

    @Test("HELLO 3 switches to RESP3: maps and the _ null")
    func hello3() {
        let store = StoreHarness()
        let reply = store.run("HELLO", "3")
        #expect(reply.hasPrefix("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n"))
        #expect(reply.contains("$5\r\nproto\r\n:3\r\n"))
        #expect(store.run("GET", "missing") == "_\r\n")
        store.run("HSET", "h", "f", "v")
        #expect(store.run("HGETALL", "h") == "%1\r\n$1\r\nf\r\n$1\r\nv\r\n")
        #expect(store.run("HELLO", "4") == "-NOPROTO unsupported protocol version\r\n")
    }

    @Test("with requirepass, commands need AUTH; HELLO AUTH authenticates")
    func authentication() {
        var configuration = StoreConfiguration()
        configuration.requirePass = "secret"
        let store = StoreHarness(configuration: configuration)
        #expect(store.run("GET", "k") == "-NOAUTH Authentication required.\r\n")
        #expect(store.run("AUTH", "wrong") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        #expect(store.run("HELLO", "2", "AUTH", "default", "secret").hasPrefix("*14\r\n"))
        #expect(store.run("GET", "k") == "$-1\r\n")
        #expect(store.run("CONFIG", "GET", "requirepass") == "*2\r\n$11\r\nrequirepass\r\n$8\r\n********\r\n")
    }

    @Test("CLIENT SETNAME, GETNAME and ID; COMMAND COUNT")
    func clientAndCommand() {
        let store = StoreHarness()
        #expect(store.run("CLIENT", "GETNAME") == "$-1\r\n")
        #expect(store.run("CLIENT", "SETNAME", "worker") == "+OK\r\n")
        #expect(store.run("CLIENT", "GETNAME") == "$6\r\nworker\r\n")
        #expect(store.run("CLIENT", "ID") == ":1\r\n")
        #expect(store.run("CLIENT", "NOPE") == "-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n")
        #expect(store.run("COMMAND", "COUNT") == ":\(store.executor.commands.count)\r\n")
        #expect(store.run("COMMAND", "DOCS") == "*0\r\n")
    }

    @Test("INFO reports Redis's field names")
    func info() {
        let store = StoreHarness()
        store.run("SET", "k", "v", "EX", "100")
        store.run("GET", "k")
        store.run("GET", "missing")
        let info = store.run("INFO")
        for field in [
            "redis_version:7.0.15", "connected_clients:1", "used_memory:", "total_commands_processed:",
            "keyspace_hits:1", "keyspace_misses:1", "db0:keys=1,expires=1,avg_ttl=0",
        ] {
            #expect(info.contains(field), "missing \(field)")
        }
    }

    @Test("CONFIG SET changes a parameter and refuses an immutable one")
    func configSet() {
        let store = StoreHarness()
        #expect(store.run("CONFIG", "SET", "maxclients", "50") == "+OK\r\n")
        #expect(store.run("CONFIG", "GET", "maxclients") == "*2\r\n$10\r\nmaxclients\r\n$2\r\n50\r\n")
        #expect(store.run("CONFIG", "SET", "port", "1").hasPrefix("-ERR CONFIG SET failed"))
    }
}

@Suite struct CommandStatisticsTests {
    @Test("INFO commandstats counts calls per command, is left out of the default INFO, and CONFIG RESETSTAT zeroes it")
    func commandStats() {
        let store = StoreHarness()
        store.run("SET", "a", "1")
        store.run("GET", "a")
        store.run("GET", "a")
        let stats = store.run("INFO", "commandstats")
        #expect(stats.contains("cmdstat_get:calls=2,"))
        #expect(stats.contains("cmdstat_set:calls=1,"))
        #expect(!stats.contains("cmdstat_hset"))
        #expect(!store.run("INFO").contains("Commandstats"))
        #expect(store.run("INFO", "all").contains("cmdstat_get:calls=2,"))
        store.run("CONFIG", "RESETSTAT")
        #expect(!store.run("INFO", "commandstats").contains("cmdstat_get"))
    }
}
