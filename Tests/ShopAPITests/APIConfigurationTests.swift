import Reactor
import Testing

@testable import ShopAPI

@Suite struct APIConfigurationTests {
    @Test("with nothing set it listens on 127.0.0.1:8000 and uses the store at 127.0.0.1:6379")
    func defaults() throws {
        let configuration = try APIConfiguration.parse(environment: [:], arguments: [])
        #expect(configuration.address == SocketAddress("127.0.0.1:8000"))
        #expect(configuration.storeAddress == SocketAddress("127.0.0.1:6379"))
        #expect(configuration.storePassword == nil)
    }

    @Test("the supervisor's environment sets the address, port, store master and password")
    func environment() throws {
        let configuration = try APIConfiguration.parse(
            environment: [
                "STACK_ADDRESS": "127.20.0.9", "STACK_PORT": "8001", "STORE_MASTER": "127.20.0.2:6379",
                "STORE_PASSWORD": "s3cret", "API_THREADS": "3", "LOG_LEVEL": "debug",
            ], arguments: [])
        #expect(configuration.address == SocketAddress("127.20.0.9:8001"))
        #expect(configuration.storeAddress == SocketAddress("127.20.0.2:6379"))
        #expect(configuration.storePassword == "s3cret")
        #expect(configuration.loopCount == 3 && configuration.logLevel == .debug)
    }

    @Test("flags override the environment")
    func flags() throws {
        let configuration = try APIConfiguration.parse(
            environment: ["STACK_PORT": "8001", "STORE_MASTER": "127.20.0.2:6379"],
            arguments: ["--port", "0", "--bind", "127.0.80.2", "--store", "127.0.80.1:6390", "--threads", "1"])
        #expect(configuration.address == SocketAddress("127.0.80.2:0"))
        #expect(configuration.storeAddress == SocketAddress("127.0.80.1:6390"))
        #expect(configuration.loopCount == 1)
    }

    @Test("a bad value is refused naming the variable or flag it came from")
    func problems() {
        let cases: [([String: String], [String], String)] = [
            (["STACK_PORT": "80000"], [], "STACK_PORT"),
            (["STACK_PORT": "http"], [], "STACK_PORT"),
            (["STORE_MASTER": "localhost:6379"], [], "STORE_MASTER"),
            (["STORE_MASTER": "10.0.0.1:6379"], [], "STORE_MASTER"),
            (["STORE_MASTER": "127.0.0.1"], [], "STORE_MASTER"),
            (["STACK_ADDRESS": "0.0.0.0"], [], "STACK_ADDRESS"),
            (["LOG_LEVEL": "loud"], [], "LOG_LEVEL"),
            ([:], ["--bind", "192.168.1.1"], "--bind"),
            ([:], ["--store"], "--store"),
            ([:], ["--threads", "0"], "--threads"),
            ([:], ["--frobnicate", "1"], "--frobnicate"),
        ]
        for (environment, arguments, source) in cases {
            do {
                _ = try APIConfiguration.parse(environment: environment, arguments: arguments)
                Issue.record("accepted \(environment) \(arguments)")
            } catch {
                #expect(error.source == source, "\(error)")
            }
        }
    }
}

@Suite struct APIConfigurationSecretsTests {
    @Test("the admin token, secret key, session lifetime and hashing threads come from the environment")
    func secrets() throws {
        let configuration = try APIConfiguration.parse(
            environment: [
                "API_ADMIN_TOKEN": "admin-token-0123456789", "SECRET_KEY": "secret-key-0123456789",
                "API_SESSION_TTL": "3600", "API_HASH_THREADS": "2",
            ], arguments: [])
        #expect(configuration.adminToken == "admin-token-0123456789")
        #expect(configuration.secretKey == "secret-key-0123456789")
        #expect(configuration.sessionLifetimeSeconds == 3600 && configuration.hashThreadCount == 2)
    }

    @Test("without an admin token nobody is the admin; sessions last a day by default")
    func defaults() throws {
        let configuration = try APIConfiguration.parse(environment: ["API_ADMIN_TOKEN": ""], arguments: [])
        #expect(configuration.adminToken == nil && configuration.secretKey == nil)
        #expect(configuration.sessionLifetimeSeconds == 86_400 && configuration.hashThreadCount >= 1)
    }

    @Test(
        "a weak secret or a bad number is refused naming its variable, never repeating the secret",
        arguments: [
            ("API_ADMIN_TOKEN", "short"), ("API_ADMIN_TOKEN", "has a space in it here"), ("SECRET_KEY", "tiny"),
            ("API_SESSION_TTL", "59"), ("API_SESSION_TTL", "day"), ("API_HASH_THREADS", "0"),
        ])
    func problems(variable: String, value: String) {
        do {
            _ = try APIConfiguration.parse(environment: [variable: value], arguments: [])
            Issue.record("accepted \(variable)=\(value)")
        } catch {
            #expect(error.source == variable)
            if variable.hasSuffix("TOKEN") || variable.hasSuffix("KEY") { #expect(!error.reason.contains(value)) }
        }
    }
}

@Suite struct APIConfigurationStoreAccessTests {
    @Test("store instances, sentinels, master name and read preference come from the environment")
    func storeAccess() throws {
        let configuration = try APIConfiguration.parse(
            environment: [
                "STORE_ADDRESSES": "127.20.0.2:6379, 127.20.0.3:6379,,127.20.0.2:6379",
                "STORE_SENTINELS": "127.20.0.7:26379", "STORE_MASTER_NAME": "shop", "API_READ_FROM": "master",
            ], arguments: [])
        #expect(configuration.storeAddresses == [SocketAddress("127.20.0.2:6379")!, SocketAddress("127.20.0.3:6379")!])
        #expect(configuration.storeAddress == SocketAddress("127.20.0.2:6379"))
        #expect(configuration.sentinels == [SocketAddress("127.20.0.7:26379")!])
        #expect(configuration.masterName == "shop" && configuration.readFrom == .master)
    }

    @Test("without them: no instance list, no sentinels, master name evergreen, reads from replicas")
    func defaults() throws {
        let configuration = try APIConfiguration.parse(environment: [:], arguments: [])
        #expect(configuration.storeAddresses.isEmpty && configuration.sentinels.isEmpty)
        #expect(configuration.masterName == "evergreen" && configuration.readFrom == .replicas)
    }

    @Test("STORE_MASTER names the first master even when STORE_ADDRESSES lists others first")
    func masterWins() throws {
        let configuration = try APIConfiguration.parse(
            environment: ["STORE_ADDRESSES": "127.20.0.2:6379,127.20.0.3:6379", "STORE_MASTER": "127.20.0.3:6379"],
            arguments: [])
        #expect(configuration.storeAddress == SocketAddress("127.20.0.3:6379"))
    }

    @Test("a bad list or preference is refused naming its variable")
    func problems() {
        let cases: [[String: String]] = [
            ["STORE_ADDRESSES": "127.20.0.2:6379,10.0.0.1:6379"],
            ["STORE_ADDRESSES": "127.20.0.2"],
            ["STORE_ADDRESSES": " , "],
            ["STORE_SENTINELS": "localhost:26379"],
            ["STORE_MASTER_NAME": "my master"],
            ["API_READ_FROM": "slaves"],
        ]
        for environment in cases {
            do {
                _ = try APIConfiguration.parse(environment: environment, arguments: [])
                Issue.record("accepted \(environment)")
            } catch {
                #expect(error.source == environment.keys.first, "\(error)")
            }
        }
    }
}
