/// Something registered with an event loop's epoll set: a connection, a listener, a wake-up descriptor.
///
/// The loop keeps a strong reference while the descriptor is registered and calls `handleEvents` on
/// the loop thread only.
public protocol Selectable: AnyObject {
    /// Handles the epoll event mask (`EventLoop.Interest` bits plus error/hang-up bits).
    func handleEvents(_ events: UInt32)
}

/// Which readiness a registration waits for.
public struct Interest: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Readable, and peer half-close (EPOLLRDHUP).
    public static let read = Interest(rawValue: 1)
    /// Writable.
    public static let write = Interest(rawValue: 2)
}
