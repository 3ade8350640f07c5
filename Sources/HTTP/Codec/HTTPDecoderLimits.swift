/// Size limits the decoders enforce before buffering more; exceeding one is an `HTTPParserError`.
///
/// The defaults match common servers (nginx allows 8 KiB request lines and a few 8 KiB header buffers).
public struct HTTPDecoderLimits: Sendable, Hashable {
    /// Longest request line or status line, CRLF included (and any empty lines before it). Default 8 KiB;
    /// a longer request line is answered `414 URI Too Long`.
    public var maxStartLineLength: Int
    /// Most bytes of header fields after the start line, CRLFs included (also applied to chunked trailers).
    /// Default 16 KiB; more is `431 Request Header Fields Too Large`.
    public var maxHeaderBytes: Int
    /// Most header fields. Default 100; more is `431 Request Header Fields Too Large`.
    public var maxHeaderCount: Int
    /// Largest body, by Content-Length or by the sum of its chunks. Default 8 MiB; more is
    /// `413 Content Too Large`.
    public var maxBodySize: Int
    /// Longest chunk-size line, extensions included. Default 4 KiB; more is `400 Bad Request` (extensions
    /// are skipped, so an unbounded line would let a peer make us scan forever).
    public var maxChunkLineLength: Int

    /// Limits with the defaults above, any of which may be overridden.
    public init(
        maxStartLineLength: Int = 8 * 1024,
        maxHeaderBytes: Int = 16 * 1024,
        maxHeaderCount: Int = 100,
        maxBodySize: Int = 8 * 1024 * 1024,
        maxChunkLineLength: Int = 4 * 1024
    ) {
        precondition(maxStartLineLength > 0 && maxHeaderBytes > 0 && maxHeaderCount > 0, "HTTP limits must be > 0")
        precondition(maxBodySize >= 0 && maxChunkLineLength > 2, "HTTP limits out of range")
        // Header offsets are stored as UInt32.
        precondition(maxHeaderBytes < Int(UInt32.max), "maxHeaderBytes too large")
        self.maxStartLineLength = maxStartLineLength
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodySize = maxBodySize
        self.maxChunkLineLength = maxChunkLineLength
    }

    /// The defaults.
    public static let `default` = HTTPDecoderLimits()
}
