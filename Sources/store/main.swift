import Core
import Foundation
import HTTP
import Metrics
import Reactor
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// `store`: the Redis-compatible data tier, started like redis-server.
let usage = """
    OVERVIEW: A Redis-compatible in-memory store (one thread owns the keyspace).

    USAGE: store [<config-file>] [--<name> <value>...]
           store --sentinel <sentinel.conf>

    ARGUMENTS:
      <config-file>         A file in redis.conf syntax (services/store/store.conf).

    OPTIONS:
      --port <port>         Client port (default: $STACK_PORT, else 6379; 0 picks a free port).
      --bind <address>      IPv4 loopback address (default: $STACK_ADDRESS, else 127.0.0.1).
      --requirepass <pass>  Password of the default user (default: $STORE_PASSWORD; never logged).
      --maxclients <n>      Most simultaneous clients (default: 10000).
      --metrics-port <port> HTTP port of /metrics on the same address (default: port + 10000;
                            0 picks a free port; -1 disables it).
      --dir <path>          Data directory for dump.rdb and appendonly.aof (default: $STACK_DATA_DIR,
                            else the working directory).
      --replicaof <host> <port>
                            Start as a replica of that master (default: of $STORE_MASTER unless
                            that is this instance's own address).
      --<name> <value>      Any other supported redis.conf directive (save, appendonly, appendfsync,
                            maxmemory, maxmemory-policy, min-replicas-to-write, ...): docs/store.md.
      -h, --help            Show help information.

    """

// Before any thread starts: SIGTERM and SIGINT arrive through the server loop's signalfd (a graceful
// shutdown), and a thread created earlier would not have them blocked.
SignalWatcher.block(StoreServer.shutdownSignals)

func fail(_ message: String) -> Never {
    Logger.standardError("store: \(message)\n\n\(usage)")
    exit(64)
}

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("-h") || arguments.contains("--help") {
    print(usage, terminator: "")
    exit(0)
}
if arguments.contains("--version") || arguments.contains("-v") {
    print("store (Evergreen) redis_version=\(CommandExecutor.redisVersion)")
    exit(0)
}

if arguments.contains("--sentinel") { runSentinel(arguments) }

var loader = StoreConfigurationLoader()
loader.applyEnvironment(ProcessInfo.processInfo.environment)
var configurationFilePath: String?
if let first = arguments.first, !first.hasPrefix("-") {
    arguments.removeFirst()
    configurationFilePath = first
    guard let text = try? String(contentsOfFile: first, encoding: .utf8) else {
        fail("unable to read config file \(first)")
    }
    loader.applyFile(text, path: first)
}
loader.applyArguments(arguments)
loader.validate()
if !loader.problems.isEmpty { fail("invalid configuration:\n  " + loader.problems.joined(separator: "\n  ")) }
let configuration = loader.configuration

var logger = Logger.fromEnvironment(program: "store")
if configuration.logLevel == "debug" { logger.minimumLevel = .debug }
if configuration.logLevel == "warning" { logger.minimumLevel = .warning }

// Ignore SIGPIPE: a client that vanishes mid-reply must not end the process.
signal(SIGPIPE, SIG_IGN)

/// Starts the server and the metrics endpoint. Top-level code stays synchronous so the main thread keeps
/// the signal mask set above (an async top-level would run on a runtime thread that never had it).
@Sendable func serve(configuration: StoreConfiguration, logger: Logger, configurationFilePath: String?) async {
    let server: StoreServer
    let address: SocketAddress
    do {
        server = try StoreServer(
            configuration: configuration, logger: logger, configurationFilePath: configurationFilePath)
        address = try await server.start()
        storeServer = server
    } catch {
        logger.error("unable to start", ["error": "\(error)"])
        exit(1)
    }
    var metricsField = "off"
    if configuration.effectiveMetricsPort >= 0,
        let metricsAddress = SocketAddress(host: configuration.bind, port: configuration.effectiveMetricsPort)
    {
        let registry = MetricsRegistry()
        StoreMetrics.register(server.statistics, in: registry)
        let loop = server.loop
        registry.addCollector { registry.eventLoopLag.labels(loop.name).set(loop.lag.seconds) }
        var router = Router()
        router.get("/metrics") { _, responder in
            var body = ByteBuffer()
            registry.render(into: &body)
            responder.respond(HTTPResponse(headers: ["Content-Type": MetricsRegistry.contentType], body: body))
        }
        do {
            let http = try HTTPServer(
                configuration: HTTPServerConfiguration(address: metricsAddress, loopCount: 1, serverName: nil),
                router: router)
            metricsField = "\(try await http.start())"
            metricsServer = http
        } catch {
            logger.error("unable to start the metrics endpoint", ["error": "\(error)"])
            exit(1)
        }
    }

    // The password is deliberately absent from this line: only whether one is set.
    logger.info(
        "ready to accept connections",
        [
            "address": address, "metrics_address": metricsField, "maxclients": configuration.maxClients,
            "requirepass": configuration.requirePass.isEmpty ? "no" : "yes", "version": CommandExecutor.redisVersion,
        ])
}

/// The servers; kept here so they live as long as the process.
nonisolated(unsafe) var metricsServer: HTTPServer?
nonisolated(unsafe) var storeServer: StoreServer?

let startConfiguration = configuration
let startLogger = logger
let startFilePath = configurationFilePath
Task.detached {
    await serve(configuration: startConfiguration, logger: startLogger, configurationFilePath: startFilePath)
}

// Serve until SHUTDOWN, SIGTERM or SIGINT: the server's loop closes everything and exits 0.
while true { pause() }
