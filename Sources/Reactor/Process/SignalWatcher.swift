import CShims
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers chosen signals (SIGTERM, SIGINT, SIGHUP) as events on an event loop, through a signalfd.
///
/// Block the signals in every thread first (`SignalWatcher.block` at the top of `main`, before any
/// thread starts), or a thread that has them unblocked takes them with their default action.
/// Confined to its loop's thread.
public final class SignalWatcher: Selectable, LoopClosable {
    private let loop: EventLoop
    private var fd: Int32
    private let onSignal: (Int32) -> Void

    /// Blocks `signals` in the calling thread; threads started afterwards inherit the mask.
    public static func block(_ signals: [Int32]) {
        var signals = signals
        _ = cshim_block_signals(&signals, Int32(signals.count))
    }

    public init(loop: EventLoop, signals: [Int32], onSignal: @escaping (Int32) -> Void) throws(IOError) {
        precondition(loop.inEventLoop)
        self.loop = loop
        self.onSignal = onSignal
        var signals = signals
        fd = try syscallBlocking("create signalfd") { cshim_signalfd(&signals, Int32(signals.count)) }
        try loop.register(fd, interest: .read, handler: self)
    }

    public func handleEvents(_ events: UInt32) {
        while true {
            let signal = cshim_signalfd_read(fd, nil, nil)
            guard signal > 0 else { return }
            onSignal(signal)
        }
    }

    func closeOnLoopShutdown() {
        guard fd >= 0 else { return }
        loop.deregister(fd)
        closeDescriptor(fd)
        fd = -1
    }
}
