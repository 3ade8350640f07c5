import Core
import HTTP
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// A misbehaving service on demand, for the supervisor's black-box tests and benchmarks.
///
/// It listens for HTTP on `STACK_ADDRESS:STACK_PORT` (or `--address`/`--port`) and answers `GET /health`.
/// Flags make it crash, hang, ignore SIGTERM, fail its health check or fork a grandchild; so do
/// requests: `POST /exit?code=N`, `POST /health/fail`, `POST /health/pass`, `POST /hang`, `POST /fork`.
let usage = """
    OVERVIEW: A test service that misbehaves on command.

    USAGE: stackprobe [options]

    OPTIONS:
      --address <a>          Address to listen on (default: $STACK_ADDRESS or 127.0.0.1)
      --port <p>             Port (default: $STACK_PORT or 0)
      --exit <code>          Exit with <code> right away (a crash at start)
      --exit-after <ms>      Exit after <ms> milliseconds (with --code, default 1)
      --code <code>          Exit code for --exit-after
      --ignore-sigterm       Ignore SIGTERM (the supervisor must SIGKILL after the grace period)
      --fail-health          Answer /health with 500
      --no-listen            Never listen (a hung start: TCP and HTTP health checks fail)
      --fork-grandchild      Fork a child that sleeps in the same process group
      --say <text>           Print <text> on stdout at start
      -h, --help             Show help information.

    """

var address = getenv("STACK_ADDRESS").map { String(cString: $0) } ?? "127.0.0.1"
var port = getenv("STACK_PORT").flatMap { Int(String(cString: $0)) } ?? 0
var exitAfter: Int?
var exitCode: Int32 = 1
var failHealth = false
var listen = true
var arguments = Array(CommandLine.arguments.dropFirst())

/// Writes a line to stdout at once (unbuffered: the supervisor's log must see it before a crash).
func say(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    Logger.standardError("stackprobe: \(message)\n\n\(usage)")
    exit(64)
}

while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else { fail("missing value for \(argument)") }
        return arguments.removeFirst()
    }
    switch argument {
    case "-h", "--help":
        print(usage, terminator: "")
        exit(0)
    case "--address": address = value()
    case "--port": port = Int(value()) ?? { fail("--port takes a number") }()
    case "--exit":
        say("stackprobe: exiting at start")
        exit(Int32(value()) ?? 1)
    case "--exit-after": exitAfter = Int(value()) ?? { fail("--exit-after takes milliseconds") }()
    case "--code": exitCode = Int32(value()) ?? { fail("--code takes a number") }()
    case "--ignore-sigterm": signal(SIGTERM, SIG_IGN)
    case "--fail-health": failHealth = true
    case "--no-listen": listen = false
    case "--fork-grandchild": forkGrandchild()
    case "--say": say(value())
    default: fail("unknown argument '\(argument)'")
    }
}

/// Starts `sleep 3600` in this process's group: it must die with the instance.
func forkGrandchild() {
    var pid: pid_t = 0
    var argv: [UnsafeMutablePointer<CChar>?] = [strdup("sleep"), strdup("3600"), nil]
    posix_spawn(&pid, "/bin/sleep", nil, nil, &argv, environ)
    say("stackprobe: grandchild \(pid)")
}

nonisolated(unsafe) var healthFailing = failHealth
let logger = Logger.fromEnvironment(program: "stackprobe")

if let exitAfter {
    usleep(useconds_t(exitAfter) * 1000)
    say("stackprobe: exiting with code \(exitCode)")
    exit(exitCode)
}

guard listen else {
    logger.info("not listening, as asked")
    while true { pause() }
}

var router = Router()
router.get("/health") { _, responder in
    responder.respond(healthFailing ? .text("failing\n", status: .internalServerError) : .text("ok\n"))
}
router.post("/health/fail") { _, responder in
    healthFailing = true
    responder.respond(.text("health now failing\n"))
}
router.post("/health/pass") { _, responder in
    healthFailing = false
    responder.respond(.text("health now passing\n"))
}
router.post("/exit") { request, responder in
    let code = Int32(request.queryParameter("code") ?? "1") ?? 1
    say("stackprobe: exiting with code \(code) on request")
    exit(code)
}
router.post("/hang") { _, responder in
    say("stackprobe: hanging on request")
    while true { pause() }
}
router.post("/fork") { _, responder in
    forkGrandchild()
    responder.respond(.text("forked\n"))
}
router.get("/") { _, responder in responder.respond(.text("stackprobe\n")) }

guard let socketAddress = SocketAddress(host: address, port: port), socketAddress.isLoopback else {
    fail("--address must be an IPv4 loopback address")
}
let server = try HTTPServer(
    configuration: HTTPServerConfiguration(address: socketAddress, loopCount: 1), router: router)
let bound = try await server.start()
logger.info("listening", ["address": bound])
while true { pause() }
