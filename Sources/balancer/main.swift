import Balancer
import Core
import Foundation
import Reactor
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `balancer`: the stack's HTTP/1.1 load balancer (issue 6).
let usage = """
    OVERVIEW: An HTTP/1.1 layer-7 load balancer over the stack's instances.

    USAGE: balancer [--config <path>] [--bind <address>] [--port <port>] [--upstream <host:port>]...
                    [--threads <n>] [--log-level <level>]

    OPTIONS:
      --config <path>         Configuration file (default: services/balancer/balancer.json when present;
                              docs/balancer.md describes every field).
      --bind <address>        IPv4 loopback address (default: $STACK_ADDRESS, else 127.0.0.1).
      --port <port>           Port (default: $STACK_PORT, else 8080; 0 picks a free port).
      --upstream <host:port>  A static upstream (repeatable); replaces the file's upstreams.
      --threads <n>           Event loops (default: $BALANCER_THREADS, else one per core).
      --log-level <level>     debug, info, warn or error (default: $LOG_LEVEL, else info).
      -h, --help              Show help information.

    ENVIRONMENT:
      STACK_PUBLISH               Extra listen addresses (comma-separated), set by the supervisor.
      STACK_DISCOVERY_FILE        The supervisor's discovery file, followed for a service's instances.
      BALANCER_UPSTREAM_SERVICE   The service whose instances are the upstreams (default: the file's, api).

    SIGNALS:
      SIGHUP reloads the configuration file: a new static upstream list applies at once; a file that
      does not load is reported and the running configuration stays. SIGTERM/SIGINT drain and stop.

    """

let stopSignals: [Int32] = [SIGTERM, SIGINT]
// Before any thread starts, so that every thread inherits the mask and the signals reach the signalfd.
SignalWatcher.block(stopSignals + [SIGHUP])
// A client or upstream that vanishes mid-write must not end the process.
signal(SIGPIPE, SIG_IGN)

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("-h") || arguments.contains("--help") {
    print(usage, terminator: "")
    exit(0)
}
let environment = ProcessInfo.processInfo.environment
let configuration: BalancerConfiguration
do {
    configuration = try BalancerConfiguration.load(environment: environment, arguments: arguments)
} catch {
    Logger.standardError("balancer: invalid configuration:\n\(error)\n")
    exit(64)
}
var logger = Logger.fromEnvironment(program: "balancer")
logger.minimumLevel = configuration.logLevel

/// Serves until SIGTERM or SIGINT. Top-level code stays synchronous so the main thread keeps the signal
/// mask set above.
@Sendable func serve(_ configuration: BalancerConfiguration, environment: [String: String], logger: Logger) async {
    let server: BalancerServer
    let addresses: [SocketAddress]
    do {
        server = try BalancerServer(configuration: configuration, logger: logger)
        addresses = try await server.start()
    } catch {
        logger.error("unable to start", ["error": "\(error)"])
        exit(1)
    }
    let source: String
    switch configuration.upstreams {
    case .service(let name): source = "service \(name) via \(configuration.discoveryFile ?? "?")"
    case .fixed(let list): source = list.map(\.address.description).joined(separator: ",")
    }
    logger.info(
        "listening",
        [
            "address": addresses[0], "published": addresses.dropFirst().map(\.description).joined(separator: ","),
            "admin": server.adminAddress.map(\.description) ?? "off", "upstreams": source,
            "algorithm": configuration.algorithm.rawValue, "threads": configuration.loopCount,
        ])
    let current = Mutex(configuration)
    let signal = await server.waitForSignal(stopSignals, otherSignals: [SIGHUP]) { _ in
        do {
            let reloaded = try BalancerConfiguration.load(environment: environment, arguments: arguments)
            let previous = current.withLock { $0 }
            if reloaded.upstreams != previous.upstreams, case .fixed(let list) = reloaded.upstreams {
                Task { await server.setUpstreams(list.map { ($0.name, $0.address, $0.weight) }) }
            }
            var rest = reloaded
            rest.upstreams = previous.upstreams
            if rest != previous {
                logger.warning("reloaded: only the upstream list applies now; other changes need a restart")
            } else {
                logger.info("reloaded")
            }
            current.withLock { $0 = reloaded }
        } catch {
            logger.error("reload failed; the running configuration stays", ["error": "\(error)"])
        }
    }
    logger.info("received \(signal == SIGINT ? "SIGINT" : "SIGTERM"), shutting down")
    await server.shutdown()
    logger.info("stopped")
    exit(0)
}

let startConfiguration = configuration
let startLogger = logger
Task.detached { await serve(startConfiguration, environment: environment, logger: startLogger) }

while true { pause() }
