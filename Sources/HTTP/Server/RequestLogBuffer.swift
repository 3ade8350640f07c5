import Core
import Reactor

/// One event loop's request log: a line per answered request in `Logger.format`'s shape (`msg=request
/// request_id=... method=GET route=/product status=200 duration_ms=0.311`), buffered so the lines of one
/// turn of the loop go out in one `write(2)` when the loop's local tasks run (after the turn's events,
/// before it waits again) instead of one synchronous write each. A line may therefore follow another
/// program line logged later in the same turn. Confined to its loop's thread.
public final class RequestLogBuffer {
    public let loop: EventLoop
    public let logger: Logger
    /// The name of the field after `method` (`route` for a server, `upstream` for the balancer).
    private let subjectName: String
    // The request lines of this turn of the loop, not yet written.
    private var pending = ""
    // The millisecond `prefix` was made for, and the line's start up to `request_id=` (the timestamp,
    // level, program, instance and message change at most once a millisecond).
    private var prefixMillis: Int64 = -1
    private var prefix = ""
    /// Pending lines are written at once past this size, whether or not the turn has ended.
    public static let maximumPending = 64 * 1024

    public init(loop: EventLoop, logger: Logger, subjectName: String = "route") {
        self.loop = loop
        self.logger = logger
        self.subjectName = subjectName
    }

    /// Logs one answered request. Loop thread only.
    public func record(requestID: String, method: HTTPMethod, subject: String, status: Int, duration: TimeAmount) {
        guard logger.minimumLevel <= .info else { return }
        let millis = Int64((wallClockSeconds() * 1000).rounded())
        if millis != prefixMillis {
            prefixMillis = millis
            prefix = "time=\(Logger.formatTimestamp(Double(millis) / 1000)) level=\(Logger.Level.info.name)"
            prefix += " program=\(Logger.quote(logger.program))"
            if !logger.instance.isEmpty { prefix += " instance=\(Logger.quote(logger.instance))" }
            prefix += " msg=request request_id="
        }
        if pending.isEmpty {
            loop.executeOnLoop { [weak self] in self?.flush() }
        }
        let micros = max(0, duration.nanoseconds / 1000)
        let fraction = micros % 1000
        pending += prefix
        pending += Logger.quote(requestID)
        pending += " method="
        pending += method.rawValue
        pending += " "
        pending += subjectName
        pending += "="
        pending += Logger.quote(subject)
        pending += " status="
        pending += String(status)
        pending += " duration_ms="
        pending += String(micros / 1000)
        pending += fraction < 10 ? ".00" : fraction < 100 ? ".0" : "."
        pending += String(fraction)
        pending += "\n"
        if pending.utf8.count > RequestLogBuffer.maximumPending { flush() }
    }

    /// Writes the pending lines, if any.
    public func flush() {
        guard !pending.isEmpty else { return }
        logger.sink(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
