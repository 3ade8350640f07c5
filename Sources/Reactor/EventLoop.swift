import CShims
import Core
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One OS thread running an epoll loop: I/O readiness, timers and tasks handed over from other threads.
///
/// Everything registered with a loop (connections, listeners, timers) is confined to the loop's thread.
/// Other threads talk to it only through `execute(_:)`, which appends to a locked inbox and wakes the
/// loop with an eventfd write. Each loop iteration: run queued tasks, wait in `epoll_wait` until the
/// next timer, dispatch the ready descriptors, fire the due timers.
public final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: the mutable fields below are confined to the loop thread (see each comment);
    // the fields touched from other threads are a Mutex, Atomics or immutable.

    /// Name for logs and metrics (`loop-0`).
    public let name: String
    private let epollFD: Int32
    private let wakeFD: Int32
    /// Tasks from other threads. Protected by its mutex.
    private let inbox = Mutex<[@Sendable () -> Void]>([])
    /// Whether a wake-up write is already on its way, so `execute` writes the eventfd once per batch.
    private let wakeupPending = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)
    /// pthread_self() of the loop thread, 0 before it runs.
    private let threadID = Atomic<UInt>(0)
    /// How late the 1-second probe timer last fired, in nanoseconds: the loop's lag.
    private let lagNanoseconds = Atomic<Int64>(0)

    /// Registered handlers by descriptor. Confined to the loop thread.
    private var registrations: [Registration?] = []
    /// Bumped per registration so a stale event for a reused descriptor number is ignored. Confined.
    private var generation: UInt32 = 0
    /// Confined to the loop thread.
    private var timers = TimerHeap()
    private var timerSequence: UInt64 = 0
    /// Tasks queued from the loop thread itself. Confined.
    private var localTasks: [() -> Void] = []
    /// Work to do once the current batch of ready descriptors has been dispatched (Redis's `beforeSleep`).
    // Confined to the loop thread.
    private var afterEventsTasks: [() -> Void] = []
    /// The time after the last `epoll_wait` returned: cheap "now" for timeouts. Confined.
    public var now: Instant { currentTime }
    /// The storage of `now`: private, so that the optimiser can drop the dynamic exclusivity check a public
    /// stored property needs on every read (connections read `now` once per request). Confined.
    private var currentTime: Instant = .now

    private struct Registration {
        var handler: any Selectable
        var generation: UInt32
        var interest: Interest
    }

    /// Creates a loop; call `run()` on the thread that should own it, or use `EventLoop.start`.
    public init(name: String) throws(IOError) {
        self.name = name
        epollFD = try syscallBlocking("create epoll instance") { cshim_epoll_create() }
        wakeFD = try syscallBlocking("create eventfd") { cshim_eventfd() }
        let data = UInt64(wakeFD)  // generation 0 marks the wake-up descriptor
        _ = try syscallBlocking("register eventfd") {
            cshim_epoll_ctl(epollFD, CSHIM_EPOLL_CTL_ADD, wakeFD, CSHIM_EPOLLIN, data)
        }
    }

    deinit {
        closeDescriptor(wakeFD)
        closeDescriptor(epollFD)
    }

    /// Starts a loop on a new thread of its own and returns once it runs.
    public static func start(name: String) throws(IOError) -> EventLoop {
        let loop = try EventLoop(name: name)
        let started = Atomic<Bool>(false)
        let box = Unmanaged.passRetained(ThreadStart { loop.run() })
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { context in
                let start = Unmanaged<ThreadStart>.fromOpaque(context!).takeRetainedValue()
                start.body()
                return nil
            }, box.toOpaque())
        guard result == 0 else {
            box.release()
            throw IOError("start event loop thread \(name)", errno: result)
        }
        pthread_detach(thread)
        loop.execute { started.store(true, ordering: .releasing) }
        while !started.load(ordering: .acquiring) { sched_yield() }
        return loop
    }

    /// Whether the caller runs on this loop's thread.
    @inline(__always)
    public var inEventLoop: Bool { threadID.load(ordering: .relaxed) == UInt(pthread_self()) }

    /// The loop's lag: how late its 1-second probe timer fired last time.
    public var lag: TimeAmount { TimeAmount(nanoseconds: lagNanoseconds.load(ordering: .relaxed)) }

    // MARK: - Tasks

    /// Runs `task` on the loop thread soon. Safe from any thread; from the loop thread it runs after
    /// the current event has been handled.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        if inEventLoop {
            localTasks.append(task)
            return
        }
        inbox.withLock { $0.append(task) }
        if !wakeupPending.exchange(true, ordering: .acquiringAndReleasing) {
            var one: UInt64 = 1
            _ = withUnsafeBytes(of: &one) { Glibc.write(wakeFD, $0.baseAddress, 8) }
        }
    }

    /// Queues a task from the loop's own thread (it need not be Sendable); it runs after the current event.
    public func executeOnLoop(_ task: @escaping () -> Void) {
        precondition(inEventLoop, "executeOnLoop is for the loop thread")
        localTasks.append(task)
    }

    /// Runs `body` on the loop thread and returns its result to an async caller.
    public func submit<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            execute {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    // MARK: - Timers

    /// Calls `body` on the loop thread after `delay`. Loop thread only.
    @discardableResult
    public func schedule(after delay: TimeAmount, _ body: @escaping () -> Void) -> LoopTimer {
        schedule(at: Instant.now + delay, body)
    }

    /// Calls `body` on the loop thread at `deadline`. Loop thread only.
    @discardableResult
    public func schedule(at deadline: Instant, _ body: @escaping () -> Void) -> LoopTimer {
        precondition(inEventLoop, "timers are scheduled on their loop's thread")
        timerSequence &+= 1
        let timer = LoopTimer(deadline: deadline, sequence: timerSequence, body: body)
        timers.insert(timer)
        return timer
    }

    /// Calls `body` every `interval` until the returned handle's `cancel()`. Loop thread only.
    @discardableResult
    public func scheduleRepeating(every interval: TimeAmount, _ body: @escaping () -> Void) -> RepeatingTimer {
        let handle = RepeatingTimer()
        func arm(_ deadline: Instant) {
            handle.current = schedule(at: deadline) { [weak self] in
                guard !handle.isCancelled else { return }
                body()
                guard let self, !handle.isCancelled else { return }
                // Keep the cadence, but never schedule in the past after a long stall.
                arm(Swift.max(deadline + interval, self.now))
            }
        }
        arm(Instant.now + interval)
        return handle
    }

    // MARK: - Registration

    /// Adds `fd` to the epoll set with `interest`; the loop holds `handler` until `deregister`.
    public func register(_ fd: Int32, interest: Interest, handler: any Selectable) throws(IOError) {
        precondition(inEventLoop, "register on the loop thread")
        generation = generation == UInt32.max ? 1 : generation + 1
        if Int(fd) >= registrations.count {
            registrations.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - registrations.count + 64))
        }
        precondition(registrations[Int(fd)] == nil, "descriptor \(fd) registered twice")
        let data = UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
        _ = try syscallBlocking("register descriptor \(fd) with epoll") {
            cshim_epoll_ctl(epollFD, CSHIM_EPOLL_CTL_ADD, fd, EventLoop.mask(interest), data)
        }
        registrations[Int(fd)] = Registration(handler: handler, generation: generation, interest: interest)
    }

    /// Changes what `fd` waits for (no syscall when unchanged).
    public func reregister(_ fd: Int32, interest: Interest) throws(IOError) {
        guard var registration = registrations[Int(fd)] else { preconditionFailure("descriptor \(fd) not registered") }
        guard registration.interest != interest else { return }
        let data = UInt64(registration.generation) << 32 | UInt64(UInt32(bitPattern: fd))
        _ = try syscallBlocking("modify epoll interest of descriptor \(fd)") {
            cshim_epoll_ctl(epollFD, CSHIM_EPOLL_CTL_MOD, fd, EventLoop.mask(interest), data)
        }
        registration.interest = interest
        registrations[Int(fd)] = registration
    }

    /// Removes `fd` from the epoll set and releases its handler. Call before closing the descriptor.
    public func deregister(_ fd: Int32) {
        guard Int(fd) < registrations.count, registrations[Int(fd)] != nil else { return }
        _ = cshim_epoll_ctl(epollFD, CSHIM_EPOLL_CTL_DEL, fd, 0, 0)
        registrations[Int(fd)] = nil
    }

    private static func mask(_ interest: Interest) -> UInt32 {
        var events: UInt32 = 0
        if interest.contains(.read) { events |= CSHIM_EPOLLIN | CSHIM_EPOLLRDHUP }
        if interest.contains(.write) { events |= CSHIM_EPOLLOUT }
        return events
    }

    // MARK: - Running

    /// Runs the loop on the calling thread until `stop()`.
    public func run() {
        threadID.store(UInt(pthread_self()), ordering: .releasing)
        scheduleLagProbe()
        let capacity = 256
        let events = UnsafeMutablePointer<cshim_epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while !stopRequested.load(ordering: .relaxed) {
            runLocalTasks()
            let timeout = nextTimeoutNanoseconds()
            let count = cshim_epoll_wait(epollFD, events, Int32(capacity), timeout)
            currentTime = .now
            if count < 0 {
                if errno == EINTR { continue }
                preconditionFailure("epoll_wait: \(String(cString: strerror(errno)))")
            }
            for index in 0..<Int(count) {
                dispatch(events[index])
            }
            runAfterEventsTasks()
            fireDueTimers()
        }
        runLocalTasks()
        // Release every handler so connections and listeners close their descriptors.
        let remaining = registrations.compactMap { $0?.handler }
        registrations.removeAll()
        for case let closable as any LoopClosable in remaining { closable.closeOnLoopShutdown() }
        threadID.store(0, ordering: .releasing)
    }

    /// Asks the loop to return from `run()` after the current iteration. Safe from any thread.
    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
        execute {}
    }

    @inline(__always)
    private func dispatch(_ event: cshim_epoll_event) {
        let fd = Int32(truncatingIfNeeded: event.data & 0xffff_ffff)
        let eventGeneration = UInt32(truncatingIfNeeded: event.data >> 32)
        if eventGeneration == 0 {
            drainInbox()
            return
        }
        // A handler earlier in this batch may have closed fd and a new one may have taken its number.
        guard Int(fd) < registrations.count, let registration = registrations[Int(fd)],
            registration.generation == eventGeneration
        else { return }
        registration.handler.handleEvents(event.events)
    }

    private func drainInbox() {
        var counter: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &counter) { Glibc.read(wakeFD, $0.baseAddress, 8) }
        wakeupPending.store(false, ordering: .releasing)
        let tasks = inbox.withLock { inbox in
            let tasks = inbox
            inbox.removeAll(keepingCapacity: true)
            return tasks
        }
        for task in tasks { task() }
    }

    /// Runs `body` once every descriptor that was ready in this turn of the loop has been handled, before
    /// timers and the next wait: one fsync for all the writes of a turn, then their replies (group
    /// commit). Loop thread only.
    public func runAfterEvents(_ body: @escaping () -> Void) {
        precondition(inEventLoop, "runAfterEvents off the loop thread")
        afterEventsTasks.append(body)
    }

    private func runAfterEventsTasks() {
        while !afterEventsTasks.isEmpty {
            let tasks = afterEventsTasks
            afterEventsTasks.removeAll()
            for task in tasks { task() }
        }
    }

    private func runLocalTasks() {
        while !localTasks.isEmpty {
            let tasks = localTasks
            localTasks.removeAll(keepingCapacity: true)
            for task in tasks { task() }
        }
    }

    private func nextTimeoutNanoseconds() -> Int64 {
        if !localTasks.isEmpty { return 0 }
        while let first = timers.first, !first.isPending { _ = timers.removeFirst() }
        guard let first = timers.first else { return -1 }
        return Swift.max(0, (first.deadline - Instant.now).nanoseconds)
    }

    private func fireDueTimers() {
        guard !timers.isEmpty else { return }
        let current = Instant.now
        while let first = timers.first, first.deadline <= current {
            _ = timers.removeFirst()
            if let body = first.body {
                first.body = nil
                body()
            }
        }
    }

    private func scheduleLagProbe() {
        let interval = TimeAmount.seconds(1 as Int64)
        func arm(_ deadline: Instant) {
            schedule(at: deadline) { [weak self] in
                guard let self else { return }
                // The kernel deliberately wakes a sleeper up to 0.1% of its timeout late (timer slack,
                // select_estimate_accuracy); that is not lag, so it is not counted.
                let late = Instant.now - deadline - TimeAmount(nanoseconds: interval.nanoseconds / 1000)
                self.lagNanoseconds.store(Swift.max(0, late.nanoseconds), ordering: .relaxed)
                arm(Instant.now + interval)
            }
        }
        arm(Instant.now + interval)
    }
}

/// A handle on a repeating timer. Loop thread only.
public final class RepeatingTimer {
    var current: LoopTimer?
    var isCancelled = false
    /// Stops the repetition.
    public func cancel() {
        isCancelled = true
        current?.cancel()
    }
}

/// A registered object that must release its descriptor when its loop stops.
protocol LoopClosable {
    func closeOnLoopShutdown()
}

/// Carries a thread's body through pthread_create's context pointer.
private final class ThreadStart {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
