#if canImport(Glibc)
    import Glibc
#endif

extension SignalWatcher {
    /// Waits on `loop` for one of `stopSignals` and returns it; `otherSignals` (SIGHUP for a reload) are
    /// handed to `onOther` as they come. Block every one of them first (`block`, before any thread
    /// starts). The watcher stays registered afterwards: a second stop signal during a drain is read and
    /// ignored rather than ending the process.
    public static func wait(
        for stopSignals: [Int32], on loop: EventLoop, otherSignals: [Int32] = [],
        onOther: @escaping @Sendable (Int32) -> Void = { _ in }
    ) async -> Int32 {
        await withCheckedContinuation { continuation in
            loop.execute {
                var watcher: SignalWatcher?
                var isResumed = false
                do {
                    watcher = try SignalWatcher(loop: loop, signals: stopSignals + otherSignals) { signal in
                        _ = watcher
                        guard stopSignals.contains(signal) else { return onOther(signal) }
                        guard !isResumed else { return }
                        isResumed = true
                        continuation.resume(returning: signal)
                    }
                } catch {
                    continuation.resume(returning: stopSignals.first ?? SIGTERM)
                }
            }
        }
    }
}
