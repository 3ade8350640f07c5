import Core

/// How long to wait before each automatic restart: Docker's doubling back-off, with an immediate first restart.
///
/// Docker waits 100 ms before the first restart, doubles the wait for each further restart up to one minute,
/// and starts over at 100 ms once the container has run for 10 seconds. We keep that shape but make the first
/// restart of a streak immediate by default (`firstDelay = 0`), then 100 ms, 200 ms, 400 ms ... up to
/// `maximumDelay`. The reason: a first crash should be back in well under 100 ms (one crash in a healthy
/// service is the common case, and every millisecond of it is an outage), while a crash loop still backs off
/// after its second crash. Docker's exact sequence is `RestartBackoff(firstDelay: .milliseconds(100),
/// initialDelay: .milliseconds(200))`: 100, 200, 400 ms ...
public struct RestartBackoff: Hashable, Sendable {
    /// The wait before the first restart of a streak.
    public var firstDelay: TimeAmount
    /// The wait before the second restart of a streak; each further restart doubles it.
    public var initialDelay: TimeAmount
    /// The longest wait (Docker: one minute).
    public var maximumDelay: TimeAmount
    /// A run at least this long ends the streak: the next restart waits `firstDelay` again (Docker: 10 s).
    public var resetAfter: TimeAmount

    public init(
        firstDelay: TimeAmount = .zero, initialDelay: TimeAmount = .milliseconds(100),
        maximumDelay: TimeAmount = .seconds(60 as Int64), resetAfter: TimeAmount = .seconds(10 as Int64)
    ) {
        precondition(firstDelay >= .zero && initialDelay >= .zero, "back-off delays must not be negative")
        self.firstDelay = firstDelay
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.resetAfter = resetAfter
    }

    /// Docker's back-off exactly: 100 ms, 200 ms, 400 ms ... capped at 1 minute, reset after a 10 s run.
    public static let docker = RestartBackoff(firstDelay: .milliseconds(100), initialDelay: .milliseconds(200))

    /// The wait before restart number `streak` (0-based) of the current streak.
    public func delay(forRestart streak: Int) -> TimeAmount {
        precondition(streak >= 0, "a restart streak counts from zero")
        if streak == 0 { return min(firstDelay, maximumDelay) }
        var delay = initialDelay
        var doublings = streak - 1
        // Double step by step so a long streak saturates at the cap instead of overflowing.
        while doublings > 0 && delay < maximumDelay {
            delay = delay * 2
            doublings -= 1
        }
        return min(delay, maximumDelay)
    }
}
