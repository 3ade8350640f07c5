import Core

/// Decodes client commands, the server's hot path: RESP arrays of bulk strings (`*2\r\n$3\r\nGET\r\n...`)
/// and inline commands (`PING\r\n`, `SET k "v w"\r\n`), exactly as redis-server parses them.
///
/// Contract: `decode(_:)` returns the next command and consumes its bytes, `nil` when no complete command
/// is buffered, and throws `RESPError` on a protocol violation; the server then replies
/// `-<error.replyMessage>` and closes, as Redis does. Commands with no arguments (empty inline lines,
/// `*0` and `*-1`) are skipped and their bytes consumed, as Redis does.
///
/// Redis compatibility, deliberately: numbers follow `string2ll` (no `+`, no leading zeros); the two bytes
/// after a bulk argument and the byte after a header's CR are skipped unchecked; an inline line ends at
/// `\n` (a `\r` before it is dropped) and is split by Redis's `sdssplitargs` rules, stopping at a NUL byte;
/// error reasons are Redis's words.
///
/// Incremental: a command split across reads keeps its parse state (arguments found so far, where the next
/// line starts, how far a line was searched), so a command of many arguments or a long inline line that
/// trickles in costs linear time overall. Between a `nil` and the next call the caller may only append to
/// the buffer. A value confined to one connection's thread.
public struct RESPCommandDecoder: Sendable {
    /// The bounds this decoder enforces: `maxBulkLength` (proto-max-bulk-len), `maxAggregateCount` (the
    /// most arguments), `maxLineLength` (PROTO_INLINE_MAX_SIZE, for inline commands and header lines).
    public var limits: RESPLimits

    // Parse state of a command split across reads, relative to the command's first byte.
    /// Boundaries (start, end pairs) of the arguments found so far in `found[0..<foundCount]`; never
    /// shrunk, so the hot path neither allocates nor pays for `removeAll` per command.
    private var found: [Int] = []
    private var foundCount = 0
    /// Arguments the pending multibulk command announced; 0 while none is known.
    private var announced = 0
    /// Offset of the next line to parse.
    private var resumeOffset = 0
    /// Bytes of the next line already searched for its terminator without finding it.
    private var scanned = 0

    /// A decoder enforcing `limits`.
    public init(limits: RESPLimits = .default) {
        self.limits = limits
        found.reserveCapacity(16)
    }

    /// Forgets any partial command, for reuse on a new connection.
    public mutating func reset() {
        foundCount = 0
        announced = 0
        resumeOffset = 0
        scanned = 0
    }

    /// Decodes the next command: `nil` means "need more bytes", a throw means a protocol violation.
    /// Allocates the command's storage; a server decodes batches with `decode(_:into:maxCount:)`.
    public mutating func decode(_ buffer: inout ByteBuffer) throws -> RESPCommand? {
        var batch = RESPCommandBatch()
        guard try decode(&buffer, into: &batch, maxCount: 1) == 1 else { return nil }
        return batch[0]
    }

    /// Appends up to `maxCount` complete commands from `buffer` to `batch` and consumes their bytes;
    /// returns how many were appended (0: need more bytes).
    ///
    /// When a protocol violation follows complete commands, those commands are returned first and the
    /// violation throws on the next call, so the server executes them before replying the error, as
    /// Redis does. Nothing is appended to `batch` by a call that throws.
    public mutating func decode(
        _ buffer: inout ByteBuffer, into batch: inout RESPCommandBatch, maxCount: Int = .max
    ) throws -> Int {
        if buffer.readableBytes < resumeOffset + scanned { reset() }
        let (consumed, decoded) = try buffer.withUnsafeReadableBytes { bytes -> (Int, Int) in
            var position = 0
            var decoded = 0
            while decoded < maxCount && position < bytes.count {
                let step: Step
                do {
                    if bytes[position] == UInt8(ascii: "*") {
                        step = try parseMultibulk(bytes, at: position, into: &batch)
                    } else {
                        step = try parseInline(bytes, at: position, into: &batch)
                    }
                } catch {
                    // Hand over the good commands first; the bad one is parsed again, and throws, next call.
                    if decoded > 0 {
                        reset()
                        break
                    }
                    throw error
                }
                switch step {
                case .incomplete: return (position, decoded)
                case .skipped(let next): position = next
                case .command(let next):
                    position = next
                    decoded += 1
                }
            }
            return (position, decoded)
        }
        if consumed > 0 { buffer.moveReaderIndex(forwardBy: consumed) }
        return decoded
    }

    /// What parsing one command at a position found.
    private enum Step {
        /// A command ends before `next`; it was appended to the batch.
        case command(next: Int)
        /// An empty command ends before `next`.
        case skipped(next: Int)
        /// The command is not complete; the parse state is saved.
        case incomplete
    }

    // MARK: - Multibulk

    private mutating func parseMultibulk(
        _ bytes: UnsafeRawBufferPointer, at start: Int, into batch: inout RESPCommandBatch
    ) throws -> Step {
        let end = bytes.count
        var position = start + resumeOffset
        if announced == 0 {
            // The count line: `*<n>\r\n`.
            guard let cr = try lineEnd(bytes, at: position, tooBig: "too big mbulk count string") else {
                return .incomplete
            }
            guard let count = RESPScanning.parseInteger(bytes, from: position + 1, to: cr),
                count <= limits.maxAggregateCount
            else {
                throw RESPError(.malformedInput, "invalid multibulk length")
            }
            position = cr + 2
            if count <= 0 {
                reset()
                return .skipped(next: position)
            }
            announced = count
            foundCount = 0
        }
        while foundCount < announced * 2 {
            // Each argument: `$<length>\r\n<bytes>\r\n`. Redis finds the CR before it checks the `$`.
            guard let cr = try lineEnd(bytes, at: position, tooBig: "too big bulk count string") else {
                resumeOffset = position - start
                return .incomplete
            }
            guard bytes[position] == UInt8(ascii: "$") else {
                throw RESPError(.malformedInput, "expected '$', got \(RESPDecoder.describe(bytes[position]))")
            }
            guard let length = RESPScanning.parseInteger(bytes, from: position + 1, to: cr),
                length >= 0, length <= limits.maxBulkLength
            else {
                throw RESPError(.malformedInput, "invalid bulk length")
            }
            let payload = cr + 2
            guard payload + length + 2 <= end else {
                // Only this short header is parsed again when more bytes arrive.
                resumeOffset = position - start
                scanned = cr - position
                return .incomplete
            }
            record(payload - start, payload + length - start)
            position = payload + length + 2
        }
        batch.beginCommand()
        var index = 0
        while index < foundCount {
            batch.appendArgument(bytes, from: start + found[index], to: start + found[index + 1])
            index += 2
        }
        reset()
        return .command(next: position)
    }

    @inline(__always)
    private mutating func record(_ start: Int, _ end: Int) {
        if foundCount + 2 <= found.count {
            found[foundCount] = start
            found[foundCount + 1] = end
        } else {
            found.append(start)
            found.append(end)
        }
        foundCount += 2
    }

    /// The index of the CR ending the line at `position` once its LF byte is buffered too, or nil (state
    /// saved) when it is not; throws `tooBig` when no CR is buffered past the line-length limit.
    @inline(__always)
    private mutating func lineEnd(_ bytes: UnsafeRawBufferPointer, at position: Int, tooBig: String) throws -> Int? {
        let end = bytes.count
        guard let cr = RESPScanning.firstIndex(of: RESPScanning.cr, in: bytes, from: position + scanned, to: end) else {
            scanned = end - position
            if scanned > limits.maxLineLength { throw RESPError(.limitExceeded, tooBig) }
            return nil
        }
        // Judge the length before the content, whole or split alike (see parseInline).
        if cr - position > limits.maxLineLength { throw RESPError(.limitExceeded, tooBig) }
        guard cr + 1 < end else {
            scanned = cr - position
            return nil
        }
        scanned = 0
        return cr
    }

    // MARK: - Inline

    private mutating func parseInline(
        _ bytes: UnsafeRawBufferPointer, at start: Int, into batch: inout RESPCommandBatch
    ) throws -> Step {
        let end = bytes.count
        guard let lf = RESPScanning.firstIndex(of: RESPScanning.lf, in: bytes, from: start + scanned, to: end) else {
            scanned = end - start
            if scanned > limits.maxLineLength { throw RESPError(.limitExceeded, "too big inline request") }
            return .incomplete
        }
        scanned = 0
        // The limit holds whether the line arrived in one read or many: otherwise the same bytes
        // would be "too big" when split and parsed (and perhaps accepted) when whole.
        if lf - start > limits.maxLineLength { throw RESPError(.limitExceeded, "too big inline request") }
        var lineEnd = lf
        if lineEnd > start && bytes[lineEnd - 1] == RESPScanning.cr { lineEnd -= 1 }
        let count = try Self.splitInline(bytes, from: start, to: lineEnd, into: &batch)
        return count == 0 ? .skipped(next: lf + 1) : .command(next: lf + 1)
    }
}
