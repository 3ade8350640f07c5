import RESP

/// One optimistic write of a route on the loop's `TransactionPool`: WATCH `watch`, send `reads`, let `plan`
/// turn their replies into writes, then MULTI..EXEC them; a watched key changed meanwhile starts over (at most
/// `attempts` times, then 503 `conflict_retries_exhausted`).
///
/// For writes that depend on what is stored (a classic product keeps its price and its index entries; a user
/// PATCH rewrites the document it read): without WATCH a concurrent write between the read and the write would
/// be lost. A `plan` that throws answers its error and writes nothing. Loop thread only.
enum RouteTransaction {
    /// Retries of a write whose watched keys changed.
    static let attempts = 20

    /// Runs the write; `done` runs once it committed (the request is then the caller's to answer). `gate`
    /// lines up this loop's writes of one key (`TransactionPool.lease(gate:)`).
    static func run(
        _ exchange: RequestExchange, watch: [String], reads: [[String]], gate: String? = nil,
        plan: @escaping ([RESPValue]) throws(ShopError) -> [[String]], done: @escaping () -> Void
    ) {
        let transaction = OptimisticTransaction(
            pool: exchange.context.transactions, prelude: [], watch: watch, reads: reads, attempts: attempts,
            gate: gate ?? watch.first)
        transaction.run { _, replies throws(ShopError) in
            let writes = try plan(replies)
            return writes.isEmpty ? .finish(after: []) : .commit(writes: writes, after: [])
        } _: { result in
            switch result {
            case .failure(let error): exchange.fail(error)
            case .success((.conflicted, let lease)):
                lease.release()
                exchange.fail(.transactionConflict)
            case .success((.committed, let lease)), .success((.finished, let lease)):
                lease.release()
                done()
            }
        }
    }
}
