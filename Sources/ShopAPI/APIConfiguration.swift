import Core
import Reactor

/// How `api` runs: where it listens, which store master it uses, and its limits. Built from the
/// environment the supervisor sets, then the command line, by `APIConfiguration.parse`. Pure (no I/O).
public struct APIConfiguration: Sendable, Equatable {
    /// Where the HTTP server listens (loopback only). `STACK_ADDRESS`/`STACK_PORT`, `--bind`/`--port`.
    public var address: SocketAddress
    /// The store master to start with (loopback only). `STORE_MASTER` (`host:port`), `--store`; without it,
    /// the first of `storeAddresses`. The gateway follows the master from there (see `MasterLocator`).
    public var storeAddress: SocketAddress
    /// Every store instance the API may ask `ROLE` to find the master and its replicas (loopback only).
    /// `STORE_ADDRESSES`, comma-separated `host:port` (the manifest's `{{store.addresses}}`); optional.
    public var storeAddresses: [SocketAddress] = []
    /// Sentinels that know the master (loopback only), asked before the store instances when set.
    /// `STORE_SENTINELS`, comma-separated `host:port`; optional.
    public var sentinels: [SocketAddress] = []
    /// The name the sentinels monitor the master under. `STORE_MASTER_NAME`, default `evergreen`.
    public var masterName = "evergreen"
    /// Where pure reads go. `API_READ_FROM`, `master` or `replicas` (the default).
    public var readFrom: ReadPreference = .replicas
    /// How often each loop asks again who the master is while the stack has sentinels or several store
    /// instances (a demoted master it is still connected to answers reads without complaint).
    public var topologyCheckInterval: TimeAmount = .seconds(5 as Int64)
    /// The store's password, or nil for none. `STORE_PASSWORD`. Never logged.
    public var storePassword: String?
    /// Event loops of the HTTP server, each with its own store connection. `API_THREADS`, `--threads`.
    public var loopCount: Int
    /// How long a store call (and a connection attempt) may take before the request is answered 503.
    public var storeTimeout: TimeAmount
    /// Largest request body; larger ones are answered 413.
    public var maxBodySize: Int
    /// Lowest level logged. `LOG_LEVEL`, `--log-level`.
    public var logLevel: Logger.Level
    /// The admin's bearer token (catalog and classic writes), or nil: then nobody may do them (403).
    /// `API_ADMIN_TOKEN`, at least 16 characters. Never logged.
    public var adminToken: String? = nil
    /// The deployment's secret key, or nil. `SECRET_KEY`, at least 16 characters. Never logged. Session
    /// tokens do not need it (they are random and looked up in the store); it is here for what must be
    /// signed rather than stored (pagination cursors, for one).
    public var secretKey: String? = nil
    /// How long a session lasts after log-in, in seconds. `API_SESSION_TTL`, 60 to 2,592,000 (30 days).
    public var sessionLifetimeSeconds: Int = 86_400
    /// Threads that hash and check passwords (yescrypt is slow on purpose; the loops never do it).
    /// `API_HASH_THREADS`, 1 to 64; by default half the cores, at least one.
    public var hashThreadCount: Int = max(1, EventLoopGroup.coreCount / 2)
    /// How long a purchase waits (`WAIT 1 <ms>`) for a replica to acknowledge it, when the master has
    /// replicas; less than `storeTimeout`. `API_REPLICA_WAIT_MS`, default 200 ms.
    public var replicaWaitTimeout: TimeAmount = .milliseconds(200)

    /// The defaults: 127.0.0.1:8000, store 127.0.0.1:6379 without a password, one loop per core.
    public init(
        address: SocketAddress = .ipv4(address: 0x7F00_0001, port: 8000),
        storeAddress: SocketAddress = .ipv4(address: 0x7F00_0001, port: 6379), storePassword: String? = nil,
        loopCount: Int = EventLoopGroup.coreCount, storeTimeout: TimeAmount = .seconds(1 as Int64),
        maxBodySize: Int = 64 * 1024, logLevel: Logger.Level = .info
    ) {
        self.address = address
        self.storeAddress = storeAddress
        self.storePassword = storePassword
        self.loopCount = loopCount
        self.storeTimeout = storeTimeout
        self.maxBodySize = maxBodySize
        self.logLevel = logLevel
    }

    /// Where pure reads go.
    public enum ReadPreference: String, Sendable, Equatable {
        /// Every call goes to the master.
        case master
        /// Pure reads go to a replica (round-robin), or the master when none is reachable.
        case replicas
    }

    /// Why a configuration was refused: the variable or flag, and what is wrong with its value.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The environment variable or flag (`STACK_PORT`, `--store`).
        public var source: String
        /// What is wrong.
        public var reason: String

        public var description: String { "\(source): \(reason)" }
    }

    /// The configuration from `environment` (`STACK_ADDRESS`, `STACK_PORT`, `STORE_MASTER`, `STORE_ADDRESSES`,
    /// `STORE_SENTINELS`, `STORE_MASTER_NAME`, `API_READ_FROM`, `STORE_PASSWORD`,
    /// `API_THREADS`, `LOG_LEVEL`, `API_ADMIN_TOKEN`, `SECRET_KEY`, `API_SESSION_TTL`, `API_HASH_THREADS`) overridden by `arguments` (`--bind`, `--port`, `--store`, `--threads`,
    /// `--log-level`). Throws the first problem, naming the variable or flag. `-h`/`--help` are the caller's.
    public static func parse(environment: [String: String], arguments: [String]) throws(Problem) -> APIConfiguration {
        var host = "127.0.0.1"
        var hostSource = "default"
        var port = 8000
        var configuration = APIConfiguration()
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        if let address = value("STACK_ADDRESS") {
            host = address
            hostSource = "STACK_ADDRESS"
        }
        if let text = value("STACK_PORT") { port = try parsePort(text, source: "STACK_PORT") }
        if let text = value("STORE_ADDRESSES") {
            configuration.storeAddresses = try parseStoreList(text, source: "STORE_ADDRESSES")
            if let first = configuration.storeAddresses.first { configuration.storeAddress = first }
        }
        if let text = value("STORE_MASTER") {
            configuration.storeAddress = try parseStore(text, source: "STORE_MASTER")
        }
        if let text = value("STORE_SENTINELS") {
            configuration.sentinels = try parseStoreList(text, source: "STORE_SENTINELS")
        }
        if let text = value("STORE_MASTER_NAME") {
            guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                throw Problem(source: "STORE_MASTER_NAME", reason: "expected a name without spaces, got '\(text)'")
            }
            configuration.masterName = text
        }
        if let text = value("API_READ_FROM") {
            guard let preference = ReadPreference(rawValue: text) else {
                throw Problem(source: "API_READ_FROM", reason: "expected master or replicas, got '\(text)'")
            }
            configuration.readFrom = preference
        }
        configuration.storePassword = value("STORE_PASSWORD")
        if let text = value("API_THREADS") { configuration.loopCount = try parseThreads(text, source: "API_THREADS") }
        if let text = value("LOG_LEVEL") { configuration.logLevel = try parseLevel(text, source: "LOG_LEVEL") }
        configuration.adminToken = try parseSecret(value("API_ADMIN_TOKEN"), source: "API_ADMIN_TOKEN")
        configuration.secretKey = try parseSecret(value("SECRET_KEY"), source: "SECRET_KEY")
        if let text = value("API_SESSION_TTL") {
            configuration.sessionLifetimeSeconds = try parseNumber(
                text, in: 60...2_592_000, what: "a session lifetime in seconds", source: "API_SESSION_TTL")
        }
        if let text = value("API_HASH_THREADS") {
            configuration.hashThreadCount = try parseNumber(
                text, in: 1...64, what: "a number of hashing threads", source: "API_HASH_THREADS")
        }
        if let text = value("API_REPLICA_WAIT_MS") {
            guard let milliseconds = Int(text), (0..<1000).contains(milliseconds) else {
                throw Problem(
                    source: "API_REPLICA_WAIT_MS", reason: "expected milliseconds from 0 to 999, got '\(text)'")
            }
            configuration.replicaWaitTimeout = .milliseconds(Int64(milliseconds))
        }

        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            guard ["--bind", "--port", "--store", "--threads", "--log-level"].contains(flag) else {
                throw Problem(source: flag, reason: "unknown option")
            }
            guard index + 1 < arguments.count else { throw Problem(source: flag, reason: "missing value") }
            let text = arguments[index + 1]
            switch flag {
            case "--bind":
                host = text
                hostSource = "--bind"
            case "--port": port = try parsePort(text, source: flag)
            case "--store": configuration.storeAddress = try parseStore(text, source: flag)
            case "--threads": configuration.loopCount = try parseThreads(text, source: flag)
            default: configuration.logLevel = try parseLevel(text, source: flag)
            }
            index += 2
        }
        guard let address = SocketAddress(host: host, port: port) else {
            throw Problem(source: hostSource, reason: "expected an IPv4 address, got '\(host)'")
        }
        guard address.isLoopback else {
            throw Problem(source: hostSource, reason: "expected a loopback address (127.0.0.0/8), got '\(host)'")
        }
        configuration.address = address
        return configuration
    }

    private static func parsePort(_ text: String, source: String) throws(Problem) -> Int {
        guard let port = Int(text), (0...65535).contains(port) else {
            throw Problem(source: source, reason: "expected a port from 0 to 65535, got '\(text)'")
        }
        return port
    }

    private static func parseStore(_ text: String, source: String) throws(Problem) -> SocketAddress {
        guard !text.contains("/"), let address = SocketAddress(text), address.port != 0 else {
            throw Problem(source: source, reason: "expected <host>:<port> with an IPv4 host, got '\(text)'")
        }
        guard address.isLoopback else {
            throw Problem(source: source, reason: "expected a loopback address (127.0.0.0/8), got '\(text)'")
        }
        return address
    }

    /// A comma-separated list of `host:port` (spaces around entries and empty entries ignored, duplicates
    /// dropped); at least one entry.
    private static func parseStoreList(_ text: String, source: String) throws(Problem) -> [SocketAddress] {
        var addresses: [SocketAddress] = []
        for entry in text.split(separator: ",") {
            let text = String(entry.trimmingSpaces())
            guard !text.isEmpty else { continue }
            let address = try parseStore(text, source: source)
            if !addresses.contains(address) { addresses.append(address) }
        }
        guard !addresses.isEmpty else {
            throw Problem(source: source, reason: "expected a comma-separated list of <host>:<port>, got '\(text)'")
        }
        return addresses
    }

    private static func parseThreads(_ text: String, source: String) throws(Problem) -> Int {
        guard let count = Int(text), (1...256).contains(count) else {
            throw Problem(source: source, reason: "expected a number of event loops from 1 to 256, got '\(text)'")
        }
        return count
    }

    private static func parseSecret(_ text: String?, source: String) throws(Problem) -> String? {
        guard let text else { return nil }
        // The value itself is never repeated in the message: it is a secret, even when it is a bad one.
        guard text.count >= 16, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw Problem(source: source, reason: "expected at least 16 printable characters without spaces")
        }
        return text
    }

    private static func parseNumber(
        _ text: String, in range: ClosedRange<Int>, what: String, source: String
    ) throws(Problem) -> Int {
        guard let number = Int(text), range.contains(number) else {
            throw Problem(
                source: source,
                reason: "expected \(what) from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    private static func parseLevel(_ text: String, source: String) throws(Problem) -> Logger.Level {
        guard let level = Logger.Level(name: text) else {
            throw Problem(source: source, reason: "expected debug, info, warn or error, got '\(text)'")
        }
        return level
    }
}
