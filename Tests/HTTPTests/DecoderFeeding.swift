import Core
import HTTP
import TestSupport

/// A small seeded generator (SplitMix64), so a failing random split reproduces from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// How an input is cut into the reads a decoder sees.
enum Split: Sendable, CustomStringConvertible {
    case whole
    case byteAtATime
    case random(seed: UInt64)

    /// Whole, byte at a time, and a few seeded random cuts: what every decoder test runs through.
    static let all: [Split] = [.whole, .byteAtATime] + (1...6).map { .random(seed: $0) }

    var description: String {
        switch self {
        case .whole: "whole"
        case .byteAtATime: "byte at a time"
        case .random(let seed): "random split, seed \(seed)"
        }
    }

    /// The input cut into pieces.
    func pieces(of input: [UInt8]) -> [ArraySlice<UInt8>] {
        switch self {
        case .whole:
            return [input[...]]
        case .byteAtATime:
            return input.indices.map { input[$0..<$0 + 1] }
        case .random(let seed):
            var generator = SeededGenerator(seed: seed)
            var pieces: [ArraySlice<UInt8>] = []
            var start = 0
            while start < input.count {
                let length = Int.random(in: 1...max(1, min(40, input.count - start)), using: &generator)
                pieces.append(input[start..<start + length])
                start += length
            }
            return pieces
        }
    }
}

/// What a decoder made of an input: the parts (adjacent body chunks merged), the error it threw, and the
/// bytes it left unconsumed.
struct Decoded<Part> {
    var parts: [Part] = []
    var error: HTTPParserError?
    var leftover: [UInt8] = []
    /// How many `.body` parts arrived before merging: more than one shows the body was streamed.
    var bodyPartCount = 0
}

/// Feeds `input` through `decode` in the pieces `split` cuts, draining parts after each piece. Between
/// pieces the consumed prefix is sometimes discarded, as a connection's read buffer would compact, to check
/// the decoder keeps its offsets relative to the reader index.
func feed<Part>(
    _ input: [UInt8], split: Split, atEOF: Bool = false, merge: (inout [Part], Part) -> Bool,
    decode: (inout ByteBuffer) throws -> Part?, decodeAtEOF: (inout ByteBuffer) throws -> Part? = { _ in nil }
) -> Decoded<Part> {
    var result = Decoded<Part>()
    var buffer = ByteBuffer()
    var round = 0
    func drain(_ next: (inout ByteBuffer) throws -> Part?) -> Bool {
        do {
            while let part = try next(&buffer) {
                if merge(&result.parts, part) { result.bodyPartCount += 1 }
            }
            return true
        } catch let error as HTTPParserError {
            result.error = error
            return false
        } catch {
            fatalError("unexpected error \(error)")
        }
    }
    for piece in split.pieces(of: input) {
        round += 1
        if round % 3 == 0 { buffer.discardReadBytes() }
        buffer.writeBytes(piece)
        guard drain(decode) else {
            result.leftover = buffer.readableBytesArray
            return result
        }
    }
    if atEOF { _ = drain(decodeAtEOF) }
    result.leftover = buffer.readableBytesArray
    return result
}

/// Appends `part`, merging body chunks into the previous body part; returns whether it was a body part.
func mergeRequestPart(_ parts: inout [HTTPRequestPart], _ part: HTTPRequestPart) -> Bool {
    if case .body(let chunk) = part {
        precondition(chunk.readableBytes > 0, "decoder produced an empty body part")
        if case .body(var previous) = parts.last {
            previous.writeBuffer(chunk)
            parts[parts.count - 1] = .body(previous)
        } else {
            parts.append(part)
        }
        return true
    }
    parts.append(part)
    return false
}

/// Appends `part`, merging body chunks into the previous body part; returns whether it was a body part.
func mergeResponsePart(_ parts: inout [HTTPResponsePart], _ part: HTTPResponsePart) -> Bool {
    if case .body(let chunk) = part {
        precondition(chunk.readableBytes > 0, "decoder produced an empty body part")
        if case .body(var previous) = parts.last {
            previous.writeBuffer(chunk)
            parts[parts.count - 1] = .body(previous)
        } else {
            parts.append(part)
        }
        return true
    }
    parts.append(part)
    return false
}

/// Decodes requests from `text` (the whole input, however split).
func decodeRequests(
    _ text: String, split: Split = .whole, limits: HTTPDecoderLimits = .default, atEOF: Bool = false
) -> Decoded<HTTPRequestPart> {
    var decoder = HTTPRequestDecoder(limits: limits)
    return feed(
        Array(text.utf8), split: split, atEOF: atEOF, merge: mergeRequestPart,
        decode: { try decoder.decode(&$0) }, decodeAtEOF: { try decoder.decodeAtEOF(&$0) })
}

/// Decodes responses from `text`, each answering the next of `methods` (GET when they run out).
func decodeResponses(
    _ text: String, methods: [HTTPMethod] = [], split: Split = .whole, limits: HTTPDecoderLimits = .default,
    atEOF: Bool = false
) -> Decoded<HTTPResponsePart> {
    var decoder = HTTPResponseDecoder(limits: limits)
    for method in methods { decoder.expectResponse(to: method) }
    return feed(
        Array(text.utf8), split: split, atEOF: atEOF, merge: mergeResponsePart,
        decode: { try decoder.decode(&$0) }, decodeAtEOF: { try decoder.decodeAtEOF(&$0) })
}

extension HTTPRequestPart {
    /// The head, if this is one.
    var head: HTTPRequestHead? {
        if case .head(let head) = self { return head }
        return nil
    }

    /// The body bytes as text, if this is a body part.
    var bodyText: String? {
        if case .body(let body) = self { return body.description }
        return nil
    }
}

extension HTTPResponsePart {
    /// The head, if this is one.
    var head: HTTPResponseHead? {
        if case .head(let head) = self { return head }
        return nil
    }

    /// The body bytes as text, if this is a body part.
    var bodyText: String? {
        if case .body(let body) = self { return body.description }
        return nil
    }
}
