import Core
import HTTP
import TestSupport
import Testing

/// Inputs the libFuzzer target (Tests/Fuzz/HTTPRequestDecoderFuzzer.swift) found, replayed under the same
/// small limits: each must give the same parts and error whole, byte at a time and in random splits.
@Suite struct HTTPRequestDecoderFuzzRegressionTests {
    static let fuzzLimits = HTTPDecoderLimits(
        maxStartLineLength: 256, maxHeaderBytes: 512, maxHeaderCount: 10, maxBodySize: 4096, maxChunkLineLength: 64)

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
    }

    static func decode(_ input: [UInt8], split: Split) -> (parts: [HTTPRequestPart], error: HTTPParserError?) {
        var decoder = HTTPRequestDecoder(limits: fuzzLimits)
        let decoded = feed(
            input, split: split, atEOF: true, merge: mergeRequestPart, decode: { try decoder.decode(&$0) },
            decodeAtEOF: { try decoder.decodeAtEOF(&$0) })
        return (decoded.parts, decoded.error)
    }

    @Test("an over-long request line ending in a bare LF is 414 however it arrives (limits before content)")
    func longStartLineWithBareLineFeed() {
        // crash-49fb94fca081d85610fc519d96da66f1782890fe: whole, the complete line was judged by its bare LF
        // (400); cut, the incomplete line by its length (414).
        let input = Self.bytes(
            hex:
                "55000000010000000000000000000000000000000000000000000000000000000000000000000000000000919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191919191910000000000000000000000000000000000000000000000000000000000000000000000000100000600000000000000000000000000000001000000000000000000000077511b3a107c00000000000000000000000000000000000a0d0a55550d0a0d0a"
        )
        let whole = Self.decode(input, split: .whole)
        #expect(whole.error?.code == .startLineTooLong)
        for split in Split.all {
            let other = Self.decode(input, split: split)
            #expect(other.parts == whole.parts, "\(split)")
            #expect(other.error == whole.error, "\(split)")
        }
    }

    @Test("an over-long header line ending in a bare LF is 431 however it arrives")
    func longHeaderLineWithBareLineFeed() {
        let input = Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 600) + "\n\r\n").utf8)
        for split in Split.all {
            #expect(Self.decode(input, split: split).error?.code == .headersTooLarge, "\(split)")
        }
    }
}
