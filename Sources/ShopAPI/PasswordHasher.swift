import Core
import Reactor
import Synchronization

/// Runs the slow password work (yescrypt, tens of ms each) on worker threads of its own, so no loop that
/// serves requests ever blocks on it, and hands each result back on the request's loop.
///
/// The workers are plain `EventLoop`s used as a small pool (`execute` queues a job on one, round robin).
/// At most `maximumPending` jobs wait at a time; beyond that a job fails at once with 503 instead of
/// queueing seconds of CPU work (a log-in flood must not starve everything else).
final class PasswordHasher: Sendable {
    /// Jobs queued or running at most before new ones are refused.
    let maximumPending: Int
    private let workers: [EventLoop]
    private let nextWorker = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    /// A hash of a random password nobody knows: checked against when an email has no password, so that a
    /// log-in with an unknown email takes as long as one with a wrong password.
    private let dummyHash: String

    /// Starts `workerCount` worker threads. Hashes one random password on the caller's thread (startup).
    init(workerCount: Int, maximumPending: Int = 128) throws(IOError) {
        precondition(workerCount > 0, "a password hasher needs a worker")
        self.maximumPending = maximumPending
        var workers: [EventLoop] = []
        for index in 0..<workerCount { workers.append(try EventLoop.start(name: "passwords-\(index)")) }
        self.workers = workers
        guard let dummy = Password.hash(BearerToken.newSessionToken()) else {
            preconditionFailure("libcrypt cannot hash with yescrypt")
        }
        dummyHash = dummy
    }

    /// Hashes `password` on a worker; `completion` runs on `loop` with the hash, or 503 when the pool is
    /// full, or 500 when libcrypt fails.
    func hash(_ password: String, on loop: EventLoop, _ completion: @escaping (Result<String, ShopError>) -> Void) {
        run(on: loop, completion) {
            guard let hash = Password.hash(password) else { return .failure(.internalError) }
            return .success(hash)
        }
    }

    /// Checks `password` against `hash` on a worker (against a dummy hash when `hash` is nil, taking as
    /// long and answering false); `completion` runs on `loop` with whether it matches, or 503 when full.
    func verify(
        _ password: String, against hash: String?, on loop: EventLoop,
        _ completion: @escaping (Result<Bool, ShopError>) -> Void
    ) {
        let dummy = dummyHash
        run(on: loop, completion) {
            let matches = Password.verify(password, hash: hash ?? dummy)
            return .success(matches && hash != nil)
        }
    }

    /// Stops the workers (queued jobs are dropped). Once, at shutdown.
    func shutdown() {
        for worker in workers { worker.stop() }
    }

    private func run<T: Sendable>(
        on loop: EventLoop, _ completion: @escaping (Result<T, ShopError>) -> Void,
        _ job: @escaping @Sendable () -> Result<T, ShopError>
    ) {
        guard pending.add(1, ordering: .relaxed).newValue <= maximumPending else {
            pending.subtract(1, ordering: .relaxed)
            return completion(.failure(.hashingBusy))
        }
        let callback = LoopBound(completion)
        let worker = workers[nextWorker.add(1, ordering: .relaxed).oldValue % workers.count]
        worker.execute {
            let result = job()
            self.pending.subtract(1, ordering: .relaxed)
            loop.execute { callback.value(result) }
        }
    }
}

/// A value that belongs to one loop's thread, carried through another thread without being touched there.
///
/// @unchecked Sendable: `value` is created on the request's loop, only carried by the worker, and read
/// again only on the request's loop (`PasswordHasher.run` hands it back with `loop.execute`).
private final class LoopBound<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
