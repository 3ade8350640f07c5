import Balancer
import Core
import Foundation
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

// TEMPORARY entry point until the configuration lands: --bind/--port/--upstream only.
let stopSignals: [Int32] = [SIGTERM, SIGINT]
SignalWatcher.block(stopSignals + [SIGHUP])
signal(SIGPIPE, SIG_IGN)

let logger = Logger.fromEnvironment(program: "balancer")
let environment = ProcessInfo.processInfo.environment
var host = environment["STACK_ADDRESS"] ?? "127.0.0.1"
var port = Int(environment["STACK_PORT"] ?? "") ?? 8080
var upstreams: [SocketAddress] = []
var threads = EventLoopGroup.coreCount
var checks = true
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    if flag == "--no-checks" {
        checks = false
        continue
    }
    guard !arguments.isEmpty else { fatalError("missing value for \(flag)") }
    let value = arguments.removeFirst()
    switch flag {
    case "--bind": host = value
    case "--port": port = Int(value)!
    case "--upstream": upstreams.append(SocketAddress(value)!)
    case "--threads": threads = Int(value)!
    default: fatalError("unknown option \(flag)")
    }
}
let listen = SocketAddress(host: host, port: port)!
let upstreamList = upstreams
let threadCount = threads
let checksOn = checks

@Sendable func serve() async {
    do {
        let server = try BalancerServer(
            listen: [listen], upstreams: upstreamList, loopCount: threadCount, healthChecks: checksOn, logger: logger)
        let bound = try await server.start()
        logger.info("listening", ["address": bound.first!, "upstreams": upstreamList.count])
        let signal = await server.waitForSignal(stopSignals + [SIGHUP], stopSignals: stopSignals) { _ in }
        logger.info("received signal \(signal), shutting down")
        await server.shutdown()
        exit(0)
    } catch {
        logger.error("unable to start", ["error": "\(error)"])
        exit(1)
    }
}
Task.detached { await serve() }
while true { pause() }
