// libFuzzer target for HTTPRequestDecoder: Tests/Fuzz/run HTTP HTTPRequestDecoderFuzzer.swift 60
//
// Each input is decoded whole, byte at a time and in two cuts chosen from the input itself, with small limits
// so the fuzzer reaches them. Besides crashes and sanitizer reports, it traps when the ways of feeding
// disagree (the decoder must not depend on how reads split the stream) or when the parts are out of order.
import Core
import HTTP

/// The decoder's parts with body chunks merged, and how decoding ended.
private struct Outcome: Equatable {
    var parts: [HTTPRequestPart] = []
    var error: HTTPParserError.Code?
}

private let limits = HTTPDecoderLimits(
    maxStartLineLength: 256, maxHeaderBytes: 512, maxHeaderCount: 10, maxBodySize: 4096, maxChunkLineLength: 64)

private func decode(_ bytes: UnsafeBufferPointer<UInt8>, cuts: [Int]) -> Outcome {
    var outcome = Outcome()
    var decoder = HTTPRequestDecoder(limits: limits)
    var buffer = ByteBuffer()
    var expectsHead = true
    func append(_ part: HTTPRequestPart) {
        switch part {
        case .head:
            precondition(expectsHead, "head while a request is open")
            expectsHead = false
            outcome.parts.append(part)
        case .body(let chunk):
            precondition(!expectsHead, "body outside a request")
            precondition(chunk.readableBytes > 0, "empty body part")
            if case .body(var previous) = outcome.parts.last {
                previous.writeBuffer(chunk)
                outcome.parts[outcome.parts.count - 1] = .body(previous)
            } else {
                outcome.parts.append(part)
            }
        case .end:
            precondition(!expectsHead, "end outside a request")
            expectsHead = true
            outcome.parts.append(part)
        }
    }
    var start = 0
    do {
        for cut in cuts + [bytes.count] where cut >= start {
            buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start..<cut]))
            start = cut
            var guardCount = 0
            while let part = try decoder.decode(&buffer) {
                append(part)
                guardCount += 1
                precondition(guardCount <= bytes.count * 2 + 4, "decoder loops without consuming")
            }
        }
        while let part = try decoder.decodeAtEOF(&buffer) { append(part) }
    } catch let error as HTTPParserError {
        outcome.error = error.code
        precondition(error.message.hasPrefix("unable to parse request: "))
    } catch {
        preconditionFailure("unexpected error type \(error)")
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let whole = decode(bytes, cuts: [])
    let first = size > 0 ? Int(bytes[0]) % (size + 1) : 0
    let second = size > 1 ? min(size, first + Int(bytes[size - 1]) * 4) : size
    let cut = decode(bytes, cuts: [first, second])
    precondition(whole == cut, "whole and cut feeding disagree: \(whole) vs \(cut)")
    if size <= 2048 {
        let byteByByte = decode(bytes, cuts: Array(0..<size))
        precondition(whole == byteByByte, "whole and byte-at-a-time feeding disagree")
    }
    return 0
}
