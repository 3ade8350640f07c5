import Core
import Reactor

/// One event loop's request log: a line per answered request in `Logger.format`'s shape (`msg=request
/// request_id=... method=GET route=/product status=200 duration_ms=0.311`), buffered so the lines of one
/// turn of the loop go out in one `write(2)` when the loop's local tasks run (after the turn's events,
/// before it waits again) instead of one synchronous write each. A line may therefore follow another
/// program line logged later in the same turn. Confined to its loop's thread.
///
/// Lines are assembled as bytes: a String built with `+=` and `Logger.quote` cost about a quarter of the
/// instructions of a whole `GET /v1/products/{id}` (callgrind), most of it in growth checks and bridging.
public final class RequestLogBuffer {
    public let loop: EventLoop
    public let logger: Logger
    /// ` route=` (or ` upstream=` for the balancer): what follows the method.
    private let subjectField: [UInt8]
    // The request lines of this turn of the loop, not yet written.
    private var pending: [UInt8] = []
    // The second `head` was made for, and the line's start around the milliseconds: `head` is `time=` and the
    // timestamp up to its `.`, `tail` is `Z level=info program=... msg=request request_id=` (everything else in
    // it changes at most once a second).
    private var prefixSecond: Int64 = -1
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    /// Pending lines are written at once past this size, whether or not the turn has ended.
    public static let maximumPending = 64 * 1024

    public init(loop: EventLoop, logger: Logger, subjectName: String = "route") {
        self.loop = loop
        self.logger = logger
        self.subjectField = Array(" \(subjectName)=".utf8)
    }

    /// Logs one answered request. Loop thread only.
    public func record(requestID: String, method: HTTPMethod, subject: String, status: Int, duration: TimeAmount) {
        guard logger.minimumLevel <= .info else { return }
        let millis = Int64((wallClockSeconds() * 1000).rounded())
        let second = millis / 1000
        if second != prefixSecond { makePrefix(second: second) }
        if pending.isEmpty {
            loop.executeOnLoop { [weak self] in self?.flush() }
        }
        let micros = max(0, duration.nanoseconds / 1000)
        pending.append(contentsOf: head)
        RequestLogBuffer.appendDigits(Int(millis % 1000), width: 3, to: &pending)
        pending.append(contentsOf: tail)
        RequestLogBuffer.appendQuoted(requestID, to: &pending)
        appendStatic(" method=")
        RequestLogBuffer.appendQuoted(method.rawValue, to: &pending, isKnownPlain: true)
        pending.append(contentsOf: subjectField)
        RequestLogBuffer.appendQuoted(subject, to: &pending)
        appendStatic(" status=")
        RequestLogBuffer.appendDigits(status, width: 1, to: &pending)
        appendStatic(" duration_ms=")
        RequestLogBuffer.appendDigits(Int(micros / 1000), width: 1, to: &pending)
        pending.append(UInt8(ascii: "."))
        RequestLogBuffer.appendDigits(Int(micros % 1000), width: 3, to: &pending)
        pending.append(UInt8(ascii: "\n"))
        if pending.count > RequestLogBuffer.maximumPending { flush() }
    }

    /// Writes the pending lines, if any.
    public func flush() {
        guard !pending.isEmpty else { return }
        logger.sink(String(decoding: pending, as: UTF8.self))
        pending.removeAll(keepingCapacity: true)
    }

    // MARK: - Bytes

    /// `time=<timestamp up to the milliseconds>` and the rest of the prefix for `second`.
    private func makePrefix(second: Int64) {
        prefixSecond = second
        // `Logger.formatTimestamp` is the one definition of the format: split its output around the milliseconds.
        let stamp = Array(Logger.formatTimestamp(Double(second)).utf8)
        let dot = stamp.lastIndex(of: UInt8(ascii: ".")) ?? stamp.count
        head = Array("time=".utf8) + stamp[..<dot] + [UInt8(ascii: ".")]
        let after = Swift.min(stamp.count, dot + 4)  // the three digits of the milliseconds
        var rest = String(decoding: stamp[after...], as: UTF8.self) + " level=\(Logger.Level.info.name)"
        rest += " program=\(Logger.quote(logger.program))"
        if !logger.instance.isEmpty { rest += " instance=\(Logger.quote(logger.instance))" }
        rest += " msg=request request_id="
        tail = Array(rest.utf8)
    }

    @inline(__always)
    private func appendStatic(_ literal: StaticString) {
        pending.append(
            contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends `value` as `Logger.quote` writes it: as is unless it is empty or holds a space, a control
    /// character, `"`, `=` or `\`.
    private static func appendQuoted(_ value: String, to out: inout [UInt8], isKnownPlain: Bool = false) {
        var value = value
        let isPlain = value.withUTF8 { bytes in
            if isKnownPlain {
                out.append(contentsOf: bytes)
                return true
            }
            guard !bytes.isEmpty else { return false }
            for byte in bytes
            where byte <= 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\\")
            {
                return false
            }
            out.append(contentsOf: bytes)
            return true
        }
        if !isPlain { out.append(contentsOf: Logger.quote(value).utf8) }
    }

    /// Appends `value` (not negative) in decimal, zero-padded to at least `width` digits.
    private static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let count = Swift.max(digits, width)
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var remaining = value
        var index = start + count
        repeat {
            index -= 1
            out[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        } while remaining > 0
    }
}
