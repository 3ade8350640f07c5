import Core
import HTTP
import Metrics
import RESP
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// The trivial servers `bench/core.sh` runs against nginx and redis-server:
///
///     benchserver http --address 127.0.0.1 --port 8081 --threads 1
///     benchserver resp --address 127.0.0.1 --port 6390 --threads 1
///
/// `http` answers every request with 200 and the 12-byte JSON body `{"ok":true}\n` (nginx's
/// `return 200` in the benchmark's config sends the same); `resp` answers PING and ECHO.
let usage = """
    OVERVIEW: Trivial HTTP and RESP servers on the Evergreen core, for benchmarks.

    USAGE: benchserver <http|resp> [--address <address>] [--port <port>] [--threads <n>]

    OPTIONS:
      --address <address>   IPv4 loopback address to bind (default: $STACK_ADDRESS or 127.0.0.1)
      --port <port>         Port (default: $STACK_PORT, else 8081 for http and 6390 for resp)
      --threads <n>         Event loops (default: 1)
      -h, --help            Show help information.

    """

/// Defaults come from the supervisor's environment (`STACK_ADDRESS`, `STACK_PORT`) when run by `stack`.
struct Options {
    var mode = ""
    var address = getenv("STACK_ADDRESS").map { String(cString: $0) } ?? "127.0.0.1"
    var port: Int? = getenv("STACK_PORT").flatMap { Int(String(cString: $0)) }
    var threads = 1
}

func parseOptions(_ arguments: [String]) -> Options {
    var options = Options()
    var index = 0
    func value() -> String {
        index += 1
        guard index < arguments.count else { fail("missing value for \(arguments[index - 1])") }
        return arguments[index]
    }
    while index < arguments.count {
        switch arguments[index] {
        case "-h", "--help", "help":
            print(usage, terminator: "")
            exit(0)
        case "--address": options.address = value()
        case "--port":
            guard let port = Int(value()) else { fail("--port takes a number") }
            options.port = port
        case "--threads":
            guard let threads = Int(value()), threads > 0 else { fail("--threads takes a positive number") }
            options.threads = threads
        case "http", "resp": options.mode = arguments[index]
        default: fail("unknown argument '\(arguments[index])'")
        }
        index += 1
    }
    if options.mode.isEmpty { fail("missing mode: http or resp") }
    return options
}

func fail(_ message: String) -> Never {
    Logger.standardError("benchserver: \(message)\n\n\(usage)")
    exit(64)
}

let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
let logger = Logger(program: "benchserver")
let port = options.port ?? (options.mode == "http" ? 8081 : 6390)
guard let address = SocketAddress(host: options.address, port: port), address.isLoopback else {
    fail("--address must be an IPv4 loopback address (127.0.0.0/8)")
}

/// Whatever server runs; kept here so it lives as long as the process.
nonisolated(unsafe) var running: AnyObject?

switch options.mode {
case "http":
    let response = HTTPResponse(
        status: .ok, headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{\"ok\":true}\n"))
    var router = Router()
    for method in [HTTPMethod.GET, .POST, .PUT, .DELETE] {
        router.add(method, "/") { _, responder in responder.respond(response) }
    }
    router.get("/{path}") { _, responder in responder.respond(response) }
    let registry = MetricsRegistry()
    router.get("/metrics") { _, responder in
        var body = ByteBuffer()
        registry.render(into: &body)
        responder.respond(HTTPResponse(headers: ["Content-Type": MetricsRegistry.contentType], body: body))
    }
    let server = try HTTPServer(
        configuration: HTTPServerConfiguration(address: address, loopCount: options.threads, serverName: nil),
        router: router)
    ProcessMetrics.register(in: registry)
    let loops = server.group.loops
    registry.addCollector {
        for loop in loops { registry.eventLoopLag.labels(loop.name).set(loop.lag.seconds) }
    }
    running = server
    let bound = try await server.start()
    logger.info("listening", ["mode": "http", "address": bound, "threads": options.threads])
default:
    let server = try RESPBenchServer(address: address, loopCount: options.threads)
    running = server
    let bound = try await server.start()
    logger.info("listening", ["mode": "resp", "address": bound, "threads": options.threads])
}

// Serve until SIGINT/SIGTERM (default dispositions end the process).
while true { pause() }
