import Core
import Foundation
import RESP
import Store

/// An executor with a settable clock and one client, for driving commands without sockets.
final class StoreHarness {
    /// Unix milliseconds the executor sees.
    var time: Int64 = 1_700_000_000_000
    private(set) var executor: CommandExecutor!
    let client: ClientSession

    /// redis-server's defaults, except no save rules and a scratch data directory: a unit test never
    /// writes a snapshot by accident, and one that saves on purpose (SHUTDOWN SAVE) writes it there.
    static var defaultConfiguration: StoreConfiguration {
        var configuration = StoreConfiguration()
        configuration.save = ""
        configuration.dir = scratchDirectory
        return configuration
    }

    /// One scratch directory per test process.
    static let scratchDirectory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    init(configuration: StoreConfiguration = StoreHarness.defaultConfiguration) {
        var box: StoreHarness?
        let executor = CommandExecutor(configuration: configuration) { box?.time ?? 1_700_000_000_000 }
        client = executor.openSession()
        self.executor = executor
        box = self
    }

    /// Runs one command at the current time and returns the raw reply.
    @discardableResult
    func run(_ arguments: String...) -> String {
        executor.now = time
        return executor.execute(arguments, client: client).description
    }

    /// Runs one command for another client at the current time and returns the raw reply.
    @discardableResult
    func run(as other: ClientSession, _ arguments: String...) -> String {
        executor.now = time
        return executor.execute(arguments, client: other).description
    }

    /// Moves the clock forward.
    func advance(milliseconds: Int64) { time += milliseconds }
}
