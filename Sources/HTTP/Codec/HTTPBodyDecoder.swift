import Core

/// Streams one message body out of a buffer, by whichever framing the head chose, then reports its end.
///
/// Shared by the request and response decoders. Body bytes are handed out as they arrive; chunk-size lines
/// and trailer lines are consumed as soon as they are complete (nothing before them is kept), and the LF search
/// in an incomplete line resumes where it stopped.
struct HTTPBodyDecoder: Sendable {
    /// How the body is delimited and how far through it we are.
    enum State {
        /// A Content-Length body with this many bytes still to come.
        case fixed(remaining: Int)
        /// Waiting for a chunk-size line; the LF search resumes at `searchFrom`.
        case chunkSize(searchFrom: Int)
        /// Inside a chunk with this many bytes still to come.
        case chunkData(remaining: Int)
        /// After a chunk's data: its CRLF.
        case chunkDataEnd
        /// After the last chunk: trailer lines, skipped, until the empty line.
        case trailers(searchFrom: Int)
        /// Everything until the peer closes (responses without a length).
        case untilClose
        /// The body is over: the next call reports `.end`.
        case done
    }

    /// What one call produced.
    enum Event {
        case body(ByteBuffer)
        case end
    }

    var state: State
    let limits: HTTPDecoderLimits
    let isRequest: Bool
    /// Body bytes (chunked or until-close) delivered so far, against `maxBodySize`.
    private var received = 0
    /// Trailer bytes so far, against `maxHeaderBytes`.
    private var trailerBytes = 0

    init(_ state: State, limits: HTTPDecoderLimits, isRequest: Bool) {
        self.state = state
        self.limits = limits
        self.isRequest = isRequest
    }

    /// Whether the body ends only when the connection does.
    /// How the body is delimited, judged from the state right after the head (before any body byte).
    var framing: HTTPBodyFraming {
        switch state {
        case .fixed(let remaining): return .length(remaining)
        case .done: return .none
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers, .untilClose: return .chunked
        }
    }

    var isUntilClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// The next body chunk, `.end` once, or nil when more bytes are needed.
    mutating func decode(_ buffer: inout ByteBuffer) throws -> Event? {
        while true {
            switch state {
            case .fixed(let remaining):
                guard !buffer.isEmpty else { return nil }
                let count = min(remaining, buffer.readableBytes)
                state = remaining == count ? .done : .fixed(remaining: remaining - count)
                return .body(buffer.readSlice(length: count)!)
            case .chunkData(let remaining):
                guard !buffer.isEmpty else { return nil }
                let count = min(remaining, buffer.readableBytes)
                state = remaining == count ? .chunkDataEnd : .chunkData(remaining: remaining - count)
                return .body(buffer.readSlice(length: count)!)
            case .untilClose:
                guard !buffer.isEmpty else { return nil }
                received += buffer.readableBytes
                guard received <= limits.maxBodySize else { throw error(.bodyTooLarge) }
                return .body(buffer.readSlice(length: buffer.readableBytes)!)
            case .chunkDataEnd:
                guard let first = buffer.byte(at: 0) else { return nil }
                guard first == ASCII.cr else { throw error(.invalidChunkTerminator) }
                guard let second = buffer.byte(at: 1) else { return nil }
                guard second == ASCII.lf else { throw error(.invalidChunkTerminator) }
                buffer.moveReaderIndex(forwardBy: 2)
                state = .chunkSize(searchFrom: 0)
            case .chunkSize(let searchFrom):
                guard let (size, lineLength) = try parseChunkSize(buffer, searchFrom: searchFrom) else { return nil }
                buffer.moveReaderIndex(forwardBy: lineLength)
                state = size == 0 ? .trailers(searchFrom: 0) : .chunkData(remaining: size)
            case .trailers(let searchFrom):
                guard let lineLength = try findTrailerLine(buffer, searchFrom: searchFrom) else { return nil }
                buffer.moveReaderIndex(forwardBy: lineLength)
                if lineLength == 2 {
                    state = .done
                } else {
                    state = .trailers(searchFrom: 0)
                }
            case .done:
                return .end
            }
        }
    }

    /// `chunk-size [ chunk-ext ] CRLF` (RFC 9112 section 7.1): the size and the line's length, or nil.
    private mutating func parseChunkSize(_ buffer: ByteBuffer, searchFrom: Int) throws -> (Int, Int)? {
        let limits = limits
        return try buffer.withUnsafeReadableBytes { bytes -> (Int, Int)? in
            guard let lineFeed = bytes.firstLineFeed(from: searchFrom) else {
                guard bytes.count <= limits.maxChunkLineLength else { throw error(.chunkLineTooLong) }
                state = .chunkSize(searchFrom: bytes.count)
                return nil
            }
            guard lineFeed < limits.maxChunkLineLength else { throw error(.chunkLineTooLong) }
            guard lineFeed > 0, bytes.byte(lineFeed - 1) == ASCII.cr else { throw error(.bareLineFeed) }
            let lineEnd = lineFeed - 1
            var size = 0
            var index = 0
            while index < lineEnd, let digit = ASCII.hexValue(bytes.byte(index)) {
                let (times16, overflow) = size.multipliedReportingOverflow(by: 16)
                guard !overflow else { throw error(.bodyTooLarge) }
                size = times16 + digit
                index += 1
            }
            guard index > 0 else { throw error(.invalidChunkSize) }
            // BWS before the extensions is tolerated; the extensions themselves are skipped, but must be text.
            while index < lineEnd && (bytes.byte(index) == ASCII.space || bytes.byte(index) == ASCII.tab) {
                index += 1
            }
            guard index == lineEnd || bytes.byte(index) == ASCII.semicolon,
                bytes.firstInvalidFieldValueByte(in: index..<lineEnd) == nil
            else { throw error(.invalidChunkSize) }
            let (total, overflow) = received.addingReportingOverflow(size)
            guard !overflow, total <= limits.maxBodySize else { throw error(.bodyTooLarge) }
            received = total
            return (size, lineFeed + 1)
        }
    }

    /// The length of the next complete trailer line (2 for the final empty line), or nil. Trailer fields are
    /// dropped: nothing here needs them, and merging them into the head would be a smuggling vector.
    private mutating func findTrailerLine(_ buffer: ByteBuffer, searchFrom: Int) throws -> Int? {
        let maxHeaderBytes = limits.maxHeaderBytes
        return try buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard let lineFeed = bytes.firstLineFeed(from: searchFrom) else {
                guard trailerBytes + bytes.count <= maxHeaderBytes else { throw error(.headersTooLarge) }
                state = .trailers(searchFrom: bytes.count)
                return nil
            }
            trailerBytes += lineFeed + 1
            guard trailerBytes <= maxHeaderBytes else { throw error(.headersTooLarge) }
            guard lineFeed > 0, bytes.byte(lineFeed - 1) == ASCII.cr else { throw error(.bareLineFeed) }
            if lineFeed > 1 {
                let first = bytes.byte(0)
                if first == ASCII.space || first == ASCII.tab { throw error(.obsoleteLineFolding) }
                if bytes.firstInvalidFieldValueByte(in: 0..<lineFeed - 1) != nil {
                    throw error(.invalidHeaderValue)
                }
            }
            return lineFeed + 1
        }
    }

    private func error(_ code: HTTPParserError.Code) -> HTTPParserError {
        HTTPParserError(code, isRequest: isRequest)
    }
}
