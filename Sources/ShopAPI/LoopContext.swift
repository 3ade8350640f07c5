import Core
import HTTP
import Metrics
import Reactor

/// What the API keeps per HTTP event loop: its store gateway, its request-id generator and the histogram
/// children it has looked up. Confined to that loop's thread (created before the server starts, used only
/// by handlers running on the loop).
final class LoopContext {
    /// A histogram child's labels.
    private struct DurationKey: Hashable {
        var method: HTTPMethod
        var route: String
        var code: Int
    }

    let loop: EventLoop
    let store: StoreGateway
    /// The loop's dedicated connections for WATCH..EXEC transactions.
    let transactions: TransactionPool
    let metrics: ShopMetrics
    let logger: Logger
    // Confined to the loop thread.
    var requestIDs = RequestID.Generator()
    // Confined to the loop thread: resolving a child takes the family's lock, so each loop keeps its own.
    private var durations: [DurationKey: Histogram] = [:]
    // Confined to the loop thread: the request lines of this turn of the loop, not yet written.
    private var pendingLog = ""
    // Confined to the loop thread: the millisecond `logPrefix` was made for, and the line's start up to
    // `request_id=` (the timestamp, level, program, instance and message change at most once a millisecond).
    private var logPrefixMillis: Int64 = -1
    private var logPrefix = ""
    /// Pending request lines are written at once past this size, whether or not the turn has ended.
    static let maximumPendingLog = 64 * 1024

    init(loop: EventLoop, store: StoreGateway, transactions: TransactionPool, metrics: ShopMetrics, logger: Logger) {
        self.loop = loop
        self.store = store
        self.transactions = transactions
        self.metrics = metrics
        self.logger = logger
    }

    /// Logs one answered request as `Logger.format` would (`msg=request request_id=... method=GET
    /// route=/product status=200 duration_ms=0.311`), but buffered: the lines of one turn of the loop go
    /// out in one `write(2)` when the loop's local tasks run (after the turn's events, before it waits
    /// again), instead of one synchronous write each. A line may therefore follow another program line
    /// logged later in the same turn. Loop thread only.
    func logRequest(requestID: String, method: HTTPMethod, route: String, status: Int, duration: TimeAmount) {
        guard logger.minimumLevel <= .info else { return }
        let millis = Int64((wallClockSeconds() * 1000).rounded())
        if millis != logPrefixMillis {
            logPrefixMillis = millis
            logPrefix = "time=\(Logger.formatTimestamp(Double(millis) / 1000)) level=\(Logger.Level.info.name)"
            logPrefix += " program=\(Logger.quote(logger.program))"
            if !logger.instance.isEmpty { logPrefix += " instance=\(Logger.quote(logger.instance))" }
            logPrefix += " msg=request request_id="
        }
        if pendingLog.isEmpty {
            loop.executeOnLoop { [weak self] in self?.flushLog() }
        }
        let micros = max(0, duration.nanoseconds / 1000)
        let fraction = micros % 1000
        pendingLog += logPrefix
        pendingLog += Logger.quote(requestID)
        pendingLog += " method="
        pendingLog += method.rawValue
        pendingLog += " route="
        pendingLog += Logger.quote(route)
        pendingLog += " status="
        pendingLog += String(status)
        pendingLog += " duration_ms="
        pendingLog += String(micros / 1000)
        pendingLog += fraction < 10 ? ".00" : fraction < 100 ? ".0" : "."
        pendingLog += String(fraction)
        pendingLog += "\n"
        if pendingLog.utf8.count > LoopContext.maximumPendingLog { flushLog() }
    }

    /// Writes the pending request lines, if any.
    func flushLog() {
        guard !pendingLog.isEmpty else { return }
        logger.sink(pendingLog)
        pendingLog.removeAll(keepingCapacity: true)
    }

    /// The duration histogram for these labels.
    func durationHistogram(method: HTTPMethod, route: String, code: Int) -> Histogram {
        let key = DurationKey(method: method, route: route, code: code)
        if let histogram = durations[key] { return histogram }
        let histogram = metrics.durations.labels(method.rawValue, route, String(code))
        durations[key] = histogram
        return histogram
    }
}

/// The contexts of all the server's loops, filled once before the server starts and only read afterwards.
final class LoopContexts: @unchecked Sendable {
    // @unchecked Sendable: `contexts` is written once by `ShopServer.init` before any loop runs a handler
    // (the server's start hands the router to the loops afterwards, which orders the write before every
    // read), and each context is used only on its own loop.
    private var contexts: [LoopContext] = []

    /// Sets the contexts. Once, before the server starts.
    func install(_ contexts: [LoopContext]) {
        precondition(self.contexts.isEmpty, "loop contexts are installed once")
        self.contexts = contexts
    }

    /// The context of `loop` (a server has a handful of loops: a scan beats hashing).
    func context(for loop: EventLoop) -> LoopContext {
        for context in contexts where context.loop === loop { return context }
        preconditionFailure("a request arrived on a loop the API does not know")
    }
}
