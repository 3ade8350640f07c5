import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A fixed set of event loops, one thread each, so a server uses every core.
///
/// Servers open one SO_REUSEPORT listener per loop and let the kernel spread connections; clients
/// pick loops round-robin with `next()`. Thread-safe.
public final class EventLoopGroup: Sendable {
    /// The loops, each running on its own thread.
    public let loops: [EventLoop]
    private let counter = Atomic<Int>(0)

    /// Starts `count` loops named `<name>-0`, `<name>-1`, ...
    public init(loopCount count: Int, name: String = "loop") throws(IOError) {
        precondition(count > 0, "an event loop group needs at least one loop")
        var loops: [EventLoop] = []
        for index in 0..<count {
            loops.append(try EventLoop.start(name: "\(name)-\(index)"))
        }
        self.loops = loops
    }

    /// The number of online CPUs: the default loop count.
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The next loop, round-robin.
    public func next() -> EventLoop {
        loops[counter.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
    }

    /// Stops every loop (their registered connections and listeners are closed).
    public func shutdown() {
        for loop in loops { loop.stop() }
    }
}
