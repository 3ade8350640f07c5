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
    // Confined to the loop thread: the last child looked up, tried before hashing (under load most answers have
    // the labels of the one before; a route template is the router's own String, so comparing it is cheap).
    private var lastDuration: (key: DurationKey, histogram: Histogram)?
    /// The loop's request log (one buffered write per turn of the loop).
    let requestLog: RequestLogBuffer
    init(loop: EventLoop, store: StoreGateway, transactions: TransactionPool, metrics: ShopMetrics, logger: Logger) {
        self.loop = loop
        self.store = store
        self.transactions = transactions
        self.metrics = metrics
        self.logger = logger
        self.requestLog = RequestLogBuffer(loop: loop, logger: logger)
    }

    /// The duration histogram for these labels.
    func durationHistogram(method: HTTPMethod, route: String, code: Int) -> Histogram {
        let key = DurationKey(method: method, route: route, code: code)
        if let last = lastDuration, last.key == key { return last.histogram }
        let histogram: Histogram
        if let known = durations[key] {
            histogram = known
        } else {
            histogram = metrics.durations.labels(method.rawValue, route, String(code))
            durations[key] = histogram
        }
        lastDuration = (key, histogram)
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
