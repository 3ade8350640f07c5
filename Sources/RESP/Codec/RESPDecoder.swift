import Core

/// Decodes RESP2 and RESP3 values (replies, as a client reads them) from a `ByteBuffer`.
///
/// Contract: `decode(_:)` returns the next complete value and consumes its bytes; it returns `nil` and
/// consumes nothing when the value is not complete yet; it throws `RESPError` on a protocol violation or an
/// exceeded `RESPLimits` bound, after which the connection is unusable.
///
/// Incremental by design: the decoder keeps its parse state between calls (the aggregates under
/// construction, the offset of the first unparsed byte and how far the current line was searched), so a
/// large bulk string or a deep or long array arriving in many small reads costs linear time overall,
/// never a rescan from scratch. In exchange, between a `nil` and the next call the caller may only
/// append to the buffer; if the readable bytes shrink, the decoder notices and starts over.
/// A value type confined to one connection's thread.
public struct RESPDecoder: Sendable {
    /// The bounds this decoder enforces.
    public var limits: RESPLimits

    /// An aggregate whose elements are still arriving.
    private struct Frame: Sendable {
        enum Kind: Sendable { case array, set, push, map, attribute }
        var kind: Kind
        /// Elements still expected (map and attribute: keys and values counted separately).
        var remaining: Int
        var elements: [RESPValue]
        /// An attribute that arrived before the next element of this aggregate.
        var attribute: [RESPValue.Pair]?
    }

    /// Aggregates under construction, outermost first.
    private var stack: [Frame] = []
    /// An attribute that arrived before the next top-level value.
    private var topAttribute: [RESPValue.Pair]?
    /// Offset, from the reader index, of the first byte not yet parsed.
    private var offset = 0
    /// Bytes after `offset` already searched for a CR without finding one.
    private var scanned = 0

    /// A decoder enforcing `limits`.
    public init(limits: RESPLimits = .default) {
        self.limits = limits
    }

    /// Forgets any partial value, for reuse on a new connection.
    public mutating func reset() {
        stack.removeAll()
        topAttribute = nil
        offset = 0
        scanned = 0
    }

    /// Decodes the next complete value: `nil` means "need more bytes" (nothing consumed), a throw means a
    /// protocol violation.
    public mutating func decode(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        if buffer.readableBytes < offset { reset() }
        let value = try buffer.withUnsafeReadableBytes { bytes in try parse(bytes) }
        if let value {
            buffer.moveReaderIndex(forwardBy: offset)
            offset = 0
            scanned = 0
            return value
        }
        return nil
    }

    // MARK: - Parsing

    private mutating func parse(_ bytes: UnsafeRawBufferPointer) throws -> RESPValue? {
        let end = bytes.count
        while true {
            guard offset < end else { return nil }
            let type = bytes[offset]
            // Every item starts with a line; find its CR, resuming where the last search stopped.
            let searchFrom = offset + 1 + scanned
            guard let cr = RESPScanning.firstIndex(of: RESPScanning.cr, in: bytes, from: searchFrom, to: end) else {
                scanned = end - offset - 1
                if scanned > limits.maxLineLength {
                    throw RESPError(.limitExceeded, "too big line")
                }
                return nil
            }
            scanned = cr - offset - 1
            if scanned > limits.maxLineLength { throw RESPError(.limitExceeded, "too big line") }
            guard cr + 1 < end else { return nil }
            guard bytes[cr + 1] == RESPScanning.lf else { throw RESPError(.malformedInput, "expected CRLF") }
            let lineStart = offset + 1
            let lineEnd = cr + 2
            var value: RESPValue
            switch type {
            case UInt8(ascii: "+"):
                value = .simpleString(Self.string(bytes, lineStart, cr))
            case UInt8(ascii: "-"):
                value = .error(Self.string(bytes, lineStart, cr))
            case UInt8(ascii: ":"):
                guard let integer = RESPScanning.parseInteger(bytes, from: lineStart, to: cr) else {
                    throw RESPError(.malformedInput, "invalid integer")
                }
                value = .integer(integer)
            case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
                guard let length = RESPScanning.parseInteger(bytes, from: lineStart, to: cr), length >= -1 else {
                    throw RESPError(.malformedInput, "invalid bulk length")
                }
                if length == -1 {
                    guard type == UInt8(ascii: "$") else { throw RESPError(.malformedInput, "invalid bulk length") }
                    value = .null
                    break
                }
                guard length <= limits.maxBulkLength else { throw RESPError(.limitExceeded, "invalid bulk length") }
                // Waiting for the payload only rescans this short header line on the next call.
                guard lineEnd + length + 2 <= end else { return nil }
                guard bytes[lineEnd + length] == RESPScanning.cr, bytes[lineEnd + length + 1] == RESPScanning.lf else {
                    throw RESPError(.malformedInput, "expected CRLF after bulk payload")
                }
                let payload = Array(UnsafeRawBufferPointer(rebasing: bytes[lineEnd..<lineEnd + length]))
                value = try Self.bulk(type, payload)
                offset = lineEnd + length + 2
                scanned = 0
                if let complete = complete(value) { return complete }
                continue
            case UInt8(ascii: "*"), UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                guard let count = RESPScanning.parseInteger(bytes, from: lineStart, to: cr), count >= -1 else {
                    throw RESPError(.malformedInput, "invalid multibulk length")
                }
                if count == -1 {
                    guard type == UInt8(ascii: "*") else {
                        throw RESPError(.malformedInput, "invalid multibulk length")
                    }
                    value = .nullArray
                    break
                }
                guard count <= limits.maxAggregateCount else {
                    throw RESPError(.limitExceeded, "invalid multibulk length")
                }
                offset = lineEnd
                scanned = 0
                if let empty = try open(type, count: count), let complete = complete(empty) { return complete }
                continue
            case UInt8(ascii: "_"):
                guard cr == lineStart else { throw RESPError(.malformedInput, "invalid null") }
                value = .null
            case UInt8(ascii: ","):
                guard let double = Double(Self.string(bytes, lineStart, cr)) else {
                    throw RESPError(.malformedInput, "invalid double")
                }
                value = .double(double)
            case UInt8(ascii: "#"):
                guard cr == lineStart + 1 else { throw RESPError(.malformedInput, "invalid boolean") }
                switch bytes[lineStart] {
                case UInt8(ascii: "t"): value = .boolean(true)
                case UInt8(ascii: "f"): value = .boolean(false)
                default: throw RESPError(.malformedInput, "invalid boolean")
                }
            case UInt8(ascii: "("):
                guard Self.isBigNumber(bytes, lineStart, cr) else {
                    throw RESPError(.malformedInput, "invalid big number")
                }
                value = .bigNumber(Self.string(bytes, lineStart, cr))
            default:
                throw RESPError(.malformedInput, "unknown type byte \(Self.describe(type))")
            }
            offset = lineEnd
            scanned = 0
            if let complete = complete(value) { return complete }
        }
    }

    /// Starts an aggregate of `count` elements; returns its value at once when it is empty.
    private mutating func open(_ type: UInt8, count: Int) throws -> RESPValue? {
        let kind: Frame.Kind
        switch type {
        case UInt8(ascii: "*"): kind = .array
        case UInt8(ascii: "~"): kind = .set
        case UInt8(ascii: ">"): kind = .push
        case UInt8(ascii: "%"): kind = .map
        default: kind = .attribute
        }
        let elements = kind == .map || kind == .attribute ? count * 2 : count
        if elements == 0 { return finish(Frame(kind: kind, remaining: 0, elements: [])) }
        guard stack.count < limits.maxDepth else { throw RESPError(.limitExceeded, "too deep nesting") }
        var frame = Frame(kind: kind, remaining: elements, elements: [])
        // Never trust a count for allocation: each element costs at least three bytes we have not seen.
        frame.elements.reserveCapacity(Swift.min(elements, 1024))
        stack.append(frame)
        return nil
    }

    /// Adds a finished value to the innermost aggregate, closing every aggregate it completes; returns the
    /// top-level value when one is complete.
    private mutating func complete(_ value: RESPValue) -> RESPValue? {
        var value = value
        while !stack.isEmpty {
            let top = stack.count - 1
            if let attribute = stack[top].attribute {
                value = .attribute(attribute, value)
                stack[top].attribute = nil
            }
            stack[top].elements.append(value)
            stack[top].remaining -= 1
            if stack[top].remaining > 0 { return nil }
            guard let finished = finish(stack.removeLast()) else { return nil }
            value = finished
        }
        if let attribute = topAttribute {
            value = .attribute(attribute, value)
            topAttribute = nil
        }
        return value
    }

    /// Turns a complete aggregate into its value; an attribute is instead held for the next value at its
    /// level (returns nil), or, when it is empty and at the top level, likewise held.
    private mutating func finish(_ frame: Frame) -> RESPValue? {
        switch frame.kind {
        case .array: return .array(frame.elements)
        case .set: return .set(frame.elements)
        case .push: return .push(frame.elements)
        case .map: return .map(Self.pairs(frame.elements))
        case .attribute:
            let pairs = Self.pairs(frame.elements)
            if stack.isEmpty {
                topAttribute = (topAttribute ?? []) + pairs
            } else {
                stack[stack.count - 1].attribute = (stack[stack.count - 1].attribute ?? []) + pairs
            }
            return nil
        }
    }

    // MARK: - Helpers

    private static func pairs(_ elements: [RESPValue]) -> [RESPValue.Pair] {
        var pairs: [RESPValue.Pair] = []
        pairs.reserveCapacity(elements.count / 2)
        var index = 0
        while index + 1 < elements.count {
            pairs.append(RESPValue.Pair(elements[index], elements[index + 1]))
            index += 2
        }
        return pairs
    }

    private static func bulk(_ type: UInt8, _ payload: [UInt8]) throws -> RESPValue {
        switch type {
        case UInt8(ascii: "$"): return .bulkString(payload)
        case UInt8(ascii: "!"): return .blobError(payload)
        default:
            // The format is three ASCII bytes; anything else could not be written back as three bytes.
            guard payload.count >= 4, payload[3] == UInt8(ascii: ":"), payload[0..<3].allSatisfy({ $0 < 0x80 }) else {
                throw RESPError(.malformedInput, "invalid verbatim string")
            }
            return .verbatimString(
                format: String(decoding: payload[0..<3], as: UTF8.self), text: Array(payload[4...]))
        }
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    private static func isBigNumber(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        var index = start
        if index < end && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) { index += 1 }
        guard index < end else { return false }
        while index < end {
            guard bytes[index] &- UInt8(ascii: "0") <= 9 else { return false }
            index += 1
        }
        return true
    }

    /// A byte as Redis prints it in `expected '$', got 'X'`-style messages.
    static func describe(_ byte: UInt8) -> String {
        "'\(String(decoding: [byte], as: UTF8.self))'"
    }
}
