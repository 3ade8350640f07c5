import Core

/// Parses a message head (start line, header fields, empty line) from the front of a buffer, line by line as
/// the lines complete, without consuming anything until the whole head is there.
///
/// Offsets are relative to the buffer's reader index, which stays put while the head is incomplete (the
/// caller only appends), so a resumed parse continues where the last one stopped: no byte is scanned twice.
/// Line endings must be CRLF: a bare LF is rejected rather than tolerated (RFC 9112 section 2.2 allows
/// either), because the balancer forwards requests, and two parsers that disagree on where a line ends are
/// the root of request smuggling.
struct HTTPHeadParser<StartLine: HTTPStartLine>: Sendable {
    /// The framing-relevant headers, interpreted while the fields are parsed so the body decoder never looks
    /// the headers up again.
    struct Framing: Sendable {
        /// The Content-Length value (saturated at Int.max), if one was given.
        var contentLength: Int?
        /// Whether any Transfer-Encoding field was present.
        var hasTransferEncoding = false
        /// Whether the last transfer coding seen is `chunked`.
        var isChunkedLast = false
        /// Whether `chunked` appeared anywhere but last (or twice): the length can't be determined.
        var hasMisplacedChunked = false
        /// Whether a coding other than `chunked` appeared (we implement none: 501).
        var hasOtherCoding = false
        /// How many Host fields there were.
        var hostCount = 0
    }

    let limits: HTTPDecoderLimits
    /// Start of the line being parsed.
    var lineStart = 0
    /// Where the LF search resumes.
    var searchFrom = 0
    /// Start of the first header line, once the start line is parsed.
    var headersStart = 0
    /// The parsed start line, once complete.
    var startLine: StartLine?
    /// The fields so far, offsets relative to `headersStart`.
    var fields: [HTTPHeaders.Field] = []
    var framing = Framing()

    init(limits: HTTPDecoderLimits) {
        self.limits = limits
    }

    /// Whether no byte of a head has been seen (leading empty lines aside): a close here is a clean close.
    var isIdle: Bool { startLine == nil && searchFrom == lineStart }

    /// Forgets the head just delivered; the next one starts at the (advanced) reader index.
    mutating func reset() {
        lineStart = 0
        searchFrom = 0
        headersStart = 0
        startLine = nil
        fields = []
        framing = Framing()
    }

    /// Parses the lines completed since the last call; returns the head's length (what to consume) once the
    /// empty line is reached, or nil when more bytes are needed.
    mutating func parse(_ buffer: ByteBuffer) throws -> Int? {
        try buffer.withUnsafeReadableBytes { bytes in
            precondition(searchFrom <= bytes.count, "the buffer lost bytes the HTTP decoder had not consumed")
            while true {
                guard let lineFeed = bytes.firstLineFeed(from: searchFrom) else {
                    searchFrom = bytes.count
                    try checkIncompleteLine(length: bytes.count)
                    return nil
                }
                searchFrom = lineFeed + 1
                // Limits first, then content: the same bytes must give the same error however they arrive,
                // and an incomplete line can only be judged by its length.
                if startLine == nil {
                    // The start line's limit counts any empty lines before it, which bounds how many we skip.
                    guard lineFeed < limits.maxStartLineLength else {
                        throw HTTPParserError(.startLineTooLong, isRequest: StartLine.isRequest)
                    }
                } else {
                    guard lineFeed - headersStart < limits.maxHeaderBytes else {
                        throw HTTPParserError(.headersTooLarge, isRequest: StartLine.isRequest)
                    }
                }
                guard lineFeed > lineStart, bytes.byte(lineFeed - 1) == ASCII.cr else {
                    throw HTTPParserError(.bareLineFeed, isRequest: StartLine.isRequest)
                }
                let lineEnd = lineFeed - 1
                if startLine == nil {
                    // RFC 9112 section 2.2: a server should ignore empty lines before the request line (some
                    // clients send CRLF after a POST body).
                    if lineEnd > lineStart || !StartLine.isRequest {
                        startLine = try StartLine.parse(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
                        headersStart = lineFeed + 1
                    }
                    lineStart = lineFeed + 1
                    continue
                }
                if lineEnd == lineStart { return lineFeed + 1 }
                try parseField(bytes, lineStart..<lineEnd)
                lineStart = lineFeed + 1
            }
        }
    }

    /// Throws when the line still waiting for its LF is already past its limit.
    private func checkIncompleteLine(length: Int) throws {
        if startLine == nil {
            if length > limits.maxStartLineLength {
                throw HTTPParserError(.startLineTooLong, isRequest: StartLine.isRequest)
            }
        } else if length - headersStart > limits.maxHeaderBytes {
            throw HTTPParserError(.headersTooLarge, isRequest: StartLine.isRequest)
        }
    }

    /// `field-name ":" OWS field-value OWS` (RFC 9112 section 5), recorded as offsets.
    private mutating func parseField(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) throws {
        let isRequest = StartLine.isRequest
        let first = bytes.byte(line.lowerBound)
        if first == ASCII.space || first == ASCII.tab {
            throw HTTPParserError(.obsoleteLineFolding, isRequest: isRequest)
        }
        var index = line.lowerBound
        while index < line.upperBound && ASCII.isTokenCharacter(bytes.byte(index)) { index += 1 }
        let nameEnd = index
        guard nameEnd > line.lowerBound, index < line.upperBound, bytes.byte(index) == ASCII.colon else {
            let stop = index < line.upperBound ? bytes.byte(index) : 0
            let isWhitespace = nameEnd > line.lowerBound && (stop == ASCII.space || stop == ASCII.tab)
            throw HTTPParserError(isWhitespace ? .whitespaceBeforeColon : .invalidHeaderName, isRequest: isRequest)
        }
        index += 1
        while index < line.upperBound && (bytes.byte(index) == ASCII.space || bytes.byte(index) == ASCII.tab) {
            index += 1
        }
        let valueStart = index
        if bytes.firstInvalidFieldValueByte(in: valueStart..<line.upperBound) != nil {
            throw HTTPParserError(.invalidHeaderValue, isRequest: isRequest)
        }
        var valueEnd = line.upperBound
        while valueEnd > valueStart
            && (bytes.byte(valueEnd - 1) == ASCII.space || bytes.byte(valueEnd - 1) == ASCII.tab)
        {
            valueEnd -= 1
        }
        guard fields.count < limits.maxHeaderCount else {
            throw HTTPParserError(.tooManyHeaders, isRequest: isRequest)
        }
        if fields.capacity == 0 { fields.reserveCapacity(16) }
        fields.append(
            HTTPHeaders.Field(
                nameStart: UInt32(line.lowerBound - headersStart), nameLength: UInt32(nameEnd - line.lowerBound),
                valueStart: UInt32(valueStart - headersStart), valueLength: UInt32(valueEnd - valueStart)))
        try interpretFraming(bytes, name: line.lowerBound..<nameEnd, value: valueStart..<valueEnd)
    }

    /// Notes Host, Content-Length and Transfer-Encoding; a length switch keeps other names to one compare.
    private mutating func interpretFraming(
        _ bytes: UnsafeRawBufferPointer, name: Range<Int>, value: Range<Int>
    )
        throws
    {
        switch name.count {
        case 4:
            if bytes.equalsCaseInsensitive(name, "host") { framing.hostCount += 1 }
        case 14:
            if bytes.equalsCaseInsensitive(name, "content-length") {
                let length = try Self.parseContentLength(bytes, value)
                if let previous = framing.contentLength, previous != length {
                    throw HTTPParserError(.conflictingContentLength, isRequest: StartLine.isRequest)
                }
                framing.contentLength = length
            }
        case 17:
            if bytes.equalsCaseInsensitive(name, "transfer-encoding") {
                framing.hasTransferEncoding = true
                parseTransferCodings(bytes, value)
            }
        default:
            break
        }
    }

    /// `1*DIGIT`, saturating at Int.max (the body limit turns a huge length into 413, not 400). A list such as
    /// `5, 5` is rejected rather than deduplicated: RFC 9110 section 8.6 allows either.
    private static func parseContentLength(_ bytes: UnsafeRawBufferPointer, _ value: Range<Int>) throws -> Int {
        guard !value.isEmpty else { throw HTTPParserError(.invalidContentLength, isRequest: StartLine.isRequest) }
        var length = 0
        for index in value {
            let digit = bytes.byte(index) &- ASCII.zero
            guard digit < 10 else { throw HTTPParserError(.invalidContentLength, isRequest: StartLine.isRequest) }
            let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(digit))
            length = overflow1 || overflow2 ? Int.max : sum
        }
        return length
    }

    /// Walks the comma-separated codings, remembering whether `chunked` is last and alone.
    private mutating func parseTransferCodings(_ bytes: UnsafeRawBufferPointer, _ value: Range<Int>) {
        var start = value.lowerBound
        while start <= value.upperBound {
            var end = start
            while end < value.upperBound && bytes.byte(end) != ASCII.comma { end += 1 }
            var low = start
            var high = end
            while low < high && (bytes.byte(low) == ASCII.space || bytes.byte(low) == ASCII.tab) { low += 1 }
            while high > low && (bytes.byte(high - 1) == ASCII.space || bytes.byte(high - 1) == ASCII.tab) { high -= 1 }
            if low < high {
                if framing.isChunkedLast { framing.hasMisplacedChunked = true }
                if bytes.equalsCaseInsensitive(low..<high, "chunked") {
                    framing.isChunkedLast = true
                } else {
                    framing.isChunkedLast = false
                    framing.hasOtherCoding = true
                }
            }
            start = end + 1
        }
    }

    /// The fields, with their bytes copied out of the buffer in one piece. Call once `parse` returned
    /// `headLength`; leaves `fields` empty.
    mutating func takeHeaders(_ buffer: ByteBuffer, headLength: Int) -> HTTPHeaders {
        // Up to the last field's CRLF; the final empty line is not needed.
        let end = headLength - 2
        let bytes = buffer.withUnsafeReadableBytes { [UInt8](UnsafeRawBufferPointer(rebasing: $0[headersStart..<end])) }
        let headers = HTTPHeaders(bytes: bytes, fields: fields)
        fields = []
        return headers
    }
}
