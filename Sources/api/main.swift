import Core
import Foundation
import Reactor
import ShopAPI

#if canImport(Glibc)
    import Glibc
#endif

/// `api`: the shop's REST API (issue 5, slice 1: the classic routes, health, readiness and metrics).
let usage = """
    OVERVIEW: The shop's REST API over the store master.

    USAGE: api [--bind <address>] [--port <port>] [--store <host:port>] [--threads <n>] [--log-level <level>]

    OPTIONS:
      --bind <address>      IPv4 loopback address (default: $STACK_ADDRESS, else 127.0.0.1).
      --port <port>         HTTP port (default: $STACK_PORT, else 8000; 0 picks a free port).
      --store <host:port>   The store master (default: $STORE_MASTER, else 127.0.0.1:6379); its password
                            comes from $STORE_PASSWORD and is never logged.
      --threads <n>         Event loops, each with its own store connection (default: $API_THREADS, else
                            one per core).
      --log-level <level>   debug, info, warn or error (default: $LOG_LEVEL, else info).
      -h, --help            Show help information.

    ENVIRONMENT:
      API_ADMIN_TOKEN       The admin's bearer token (catalog and classic writes); without it they are
                            refused (403). At least 16 characters; never logged.
      SECRET_KEY            The deployment's secret key (at least 16 characters; never logged).
      API_SESSION_TTL       Session lifetime in seconds (default 86400).
      API_HASH_THREADS      Threads that hash passwords (default: half the cores, at least 1).
      STORE_ADDRESSES       Every store instance, comma-separated host:port: the master is found among
                            them with ROLE, and followed through failover.
      STORE_SENTINELS       Sentinels (comma-separated host:port) asked for the master first.
      STORE_MASTER_NAME     The master's name at the sentinels (default evergreen).
      API_READ_FROM         Where pure reads go: master or replicas (default replicas).

    """

// Before any thread starts: SIGTERM and SIGINT arrive through a signalfd on the server's first loop (a
// graceful drain), and a thread created earlier would not have them blocked.
let shutdownSignals: [Int32] = [SIGTERM, SIGINT]
SignalWatcher.block(shutdownSignals)
// A client that vanishes mid-answer must not end the process.
signal(SIGPIPE, SIG_IGN)

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("-h") || arguments.contains("--help") {
    print(usage, terminator: "")
    exit(0)
}

let configuration: APIConfiguration
do {
    configuration = try APIConfiguration.parse(environment: ProcessInfo.processInfo.environment, arguments: arguments)
} catch {
    Logger.standardError("api: invalid configuration: \(error)\n\n\(usage)")
    exit(64)
}

var logger = Logger.fromEnvironment(program: "api")
logger.minimumLevel = configuration.logLevel

/// Starts the server and serves until SIGTERM or SIGINT. Top-level code stays synchronous so the main thread
/// keeps the signal mask set above (an async top level would run on a runtime thread that never had it).
@Sendable func serve(configuration: APIConfiguration, logger: Logger) async {
    let server: ShopServer
    let address: SocketAddress
    do {
        server = try ShopServer(configuration: configuration, logger: logger)
        address = try await server.start()
    } catch {
        logger.error("unable to start", ["error": "\(error)"])
        exit(1)
    }
    // The secrets are deliberately absent: only whether each is set.
    logger.info(
        "listening",
        [
            "address": address, "store": configuration.storeAddress, "threads": configuration.loopCount,
            "store_password": configuration.storePassword == nil ? "no" : "yes",
            "admin_token": configuration.adminToken == nil ? "no" : "yes",
        ])
    if configuration.adminToken == nil {
        logger.warning("API_ADMIN_TOKEN is not set: catalog and classic writes are refused (403)")
    }
    let signal = await server.waitForSignal(shutdownSignals)
    logger.info("received \(signal == SIGINT ? "SIGINT" : "SIGTERM"), shutting down")
    await server.shutdown()
    logger.info("stopped")
    exit(0)
}

let startConfiguration = configuration
let startLogger = logger
Task.detached { await serve(configuration: startConfiguration, logger: startLogger) }

while true { pause() }
