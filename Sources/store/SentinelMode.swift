import Core
import Foundation
import Reactor
import Sentinel
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// `store --sentinel <config>` (either order, as redis-server takes it): runs a sentinel until SIGTERM or
/// SIGINT. Its state goes to `$STACK_DATA_DIR/sentinel.conf` (else `<config>.state`), and is read back
/// from there at the next start.
func runSentinel(_ arguments: [String]) -> Never {
    let rest = arguments.filter { $0 != "--sentinel" }
    guard rest.count == 1, let path = rest.first else { fail("--sentinel takes one argument: the sentinel.conf path") }
    let environment = ProcessInfo.processInfo.environment
    let statePath: String
    if let directory = environment["STACK_DATA_DIR"], !directory.isEmpty {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        statePath = directory + "/sentinel.conf"
    } else {
        statePath = path + ".state"
    }
    guard let file = try? String(contentsOfFile: path, encoding: .utf8) else { fail("unable to read \(path)") }
    let state = try? String(contentsOfFile: statePath, encoding: .utf8)
    let configuration: SentinelConfiguration
    do {
        configuration = try SentinelConfiguration.resolve(file: file, state: state, environment: environment)
    } catch {
        fail("invalid sentinel configuration \(state == nil ? path : statePath): \(error)")
    }
    let logger = Logger.fromEnvironment(program: "sentinel")
    Task.detached {
        do {
            let server = try SentinelServer(configuration: configuration, statePath: statePath, logger: logger)
            let address = try await server.start()
            logger.info(
                "listening",
                [
                    "address": address, "masters": configuration.masters.map(\.name).joined(separator: ","),
                    "state": statePath, "restored": state == nil ? "no" : "yes",
                ])
            let signal = await server.waitForSignal(StoreServer.shutdownSignals)
            logger.info("received \(signal == SIGINT ? "SIGINT" : "SIGTERM"), shutting down")
            await server.shutdown()
            exit(0)
        } catch {
            logger.error("unable to start", ["error": "\(error)"])
            exit(1)
        }
    }
    while true { pause() }
}
