import Core
import RESP
import Store

/// An executor with a settable clock and one client, for driving commands without sockets.
final class StoreHarness {
    /// Unix milliseconds the executor sees.
    var time: Int64 = 1_700_000_000_000
    private(set) var executor: CommandExecutor!
    let client: ClientSession

    /// redis-server's defaults, except no save rules: a unit test never writes a snapshot by accident.
    static var defaultConfiguration: StoreConfiguration {
        var configuration = StoreConfiguration()
        configuration.save = ""
        return configuration
    }

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
