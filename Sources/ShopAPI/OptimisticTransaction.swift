import RESP

/// What a transaction does once it has read its watched keys.
enum TransactionPlan {
    /// Queue `writes` between MULTI and EXEC; send `after` in the same write, after EXEC.
    case commit(writes: [[String]], after: [[String]])
    /// Write nothing: UNWATCH, then `after` in the same write.
    case finish(after: [[String]])
}

/// How a transaction ended.
enum TransactionOutcome {
    /// EXEC ran: the replies of the queued writes and of the commands after EXEC.
    case committed(exec: [RESPValue], after: [RESPValue])
    /// The plan wrote nothing: the replies of the commands after UNWATCH.
    case finished(after: [RESPValue])
    /// Every attempt's EXEC was refused because a watched key changed.
    case conflicted
}

/// An optimistic transaction on a pool connection: WATCH the keys and read them in one write, let `plan`
/// decide from the replies, then MULTI..EXEC in one write; an EXEC refused because a watched key changed
/// (a null reply) starts over, at most `attempts` times.
///
/// `prelude` goes out once, before the first WATCH, in the same write (an `INCR` of an id counter: it
/// must not be repeated by a retry); its replies are handed to every call of `plan`. A `plan` that throws
/// ends the transaction with that error (UNWATCH is sent, the connection goes back to the pool).
/// Loop thread only.
struct OptimisticTransaction {
    /// The result: the outcome and the connection, still leased so the caller can send more on it (WAIT
    /// must run on the connection that wrote); the caller gives it back with `pool.release`.
    typealias Completion = (Result<(TransactionOutcome, TransactionLease), ShopError>) -> Void
    /// Decides from the prelude's replies and the reads' replies. Pure.
    typealias Planner = (_ prelude: [RESPValue], _ reads: [RESPValue]) throws(ShopError) -> TransactionPlan

    let pool: TransactionPool
    let prelude: [[String]]
    let watch: [String]
    let reads: [[String]]
    let attempts: Int
    /// The `TransactionPool` gate the transaction waits for and holds until its EXEC (or UNWATCH) is answered.
    var gate: String? = nil

    /// Runs the transaction; `completion` runs once, on the loop thread.
    func run(_ plan: @escaping Planner, _ completion: @escaping Completion) {
        pool.lease(gate: gate) { leased in
            switch leased {
            case .failure(let error): completion(.failure(error))
            case .success(let connection): attempt(1, on: connection, prelude: nil, plan, completion)
            }
        }
    }

    private func attempt(
        _ number: Int, on connection: RESPConnection, prelude preludeReplies: [RESPValue]?,
        _ plan: @escaping Planner, _ completion: @escaping Completion
    ) {
        let preludeCommands = preludeReplies == nil ? prelude : []
        connection.send(pipeline: preludeCommands + [["WATCH"] + watch] + reads) { result in
            guard case .success(let replies) = result else { return failUnreachable(connection, completion) }
            // A demoted (or cut-off) master refuses the prelude's write: 503 (the gateway locates the master), not
            // a plan made from an error reply.
            if isRefusingWrites(replies) { return failUnreachable(connection, completion) }
            let preludeReplies = preludeReplies ?? Array(replies.prefix(preludeCommands.count))
            guard case .simpleString("OK") = replies[preludeCommands.count] else { return fail(connection, completion) }
            let reads = Array(replies.suffix(from: preludeCommands.count + 1))
            let decided: TransactionPlan
            do throws(ShopError) {
                decided = try plan(preludeReplies, reads)
            } catch {
                if let gate { pool.openGate(gate) }
                connection.send(pipeline: [["UNWATCH"]]) { result in
                    pool.release(connection, isReusable: (try? result.get()) != nil)
                }
                return completion(.failure(error))
            }
            switch decided {
            case .finish(let after):
                connection.send(pipeline: [["UNWATCH"]] + after) { result in
                    guard case .success(let replies) = result else { return failUnreachable(connection, completion) }
                    if let gate { pool.openGate(gate) }
                    completion(.success((.finished(after: Array(replies.dropFirst())), lease(connection))))
                }
            case .commit(let writes, let after):
                connection.send(pipeline: [["MULTI"]] + writes + [["EXEC"]] + after) { result in
                    guard case .success(let replies) = result else { return failUnreachable(connection, completion) }
                    let afterReplies = Array(replies.suffix(after.count))
                    switch replies[writes.count + 1] {
                    case .array(let exec):
                        if let gate { pool.openGate(gate) }
                        completion(.success((.committed(exec: exec, after: afterReplies), lease(connection))))
                    case .nullArray, .null:
                        if number < attempts {
                            attempt(number + 1, on: connection, prelude: preludeReplies, plan, completion)
                        } else {
                            if let gate { pool.openGate(gate) }
                            completion(.success((.conflicted, lease(connection))))
                        }
                    default:
                        // Queued writes refused -READONLY or -NOREPLICAS (a master demoted, or cut off from its
                        // replicas, since the WATCH): 503, not a bug of ours.
                        if isRefusingWrites(replies) { return failUnreachable(connection, completion) }
                        // EXECABORT or a reply we cannot read: the connection's state is unknown.
                        fail(connection, completion, error: .internalError)
                    }
                }
            }
        }
    }

    /// Whether the store refused a write because it is not a master that may take one: `-READONLY` (a
    /// replica) or `-NOREPLICAS` (a master without a current replica: cut off, or paused and not yet demoted).
    private func isRefusingWrites(_ replies: [RESPValue]) -> Bool {
        replies.contains { reply in
            if case .error(let message) = reply {
                return message.hasPrefix("READONLY") || message.hasPrefix("NOREPLICAS")
            }
            return false
        }
    }

    /// 503, and the gateway looks for the master: this one refused the write, or did not answer in time (a
    /// paused master keeps accepting connections, so only asking the sentinels finds the promoted one).
    private func failUnreachable(_ connection: RESPConnection, _ completion: Completion) {
        pool.reportMasterTrouble()
        fail(connection, completion)
    }

    private func lease(_ connection: RESPConnection) -> TransactionLease {
        TransactionLease(connection: connection, pool: pool)
    }

    private func fail(
        _ connection: RESPConnection, _ completion: Completion, error: ShopError = .storeUnavailable
    ) {
        if let gate { pool.openGate(gate) }
        pool.release(connection, isReusable: false)
        completion(.failure(error))
    }
}

/// A pool connection a finished transaction still holds: the caller may send more on it (WAIT) and must
/// `release` it once.
struct TransactionLease {
    let connection: RESPConnection
    let pool: TransactionPool

    /// Gives the connection back; `isReusable` false closes it (it failed or its state is unknown).
    func release(isReusable: Bool = true) {
        pool.release(connection, isReusable: isReusable)
    }
}
