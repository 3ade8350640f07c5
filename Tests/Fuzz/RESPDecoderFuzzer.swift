import Core
import RESP

/// libFuzzer entry point: feeds the input to `RESPDecoder` and `RESPCommandDecoder`, whole and in pieces,
/// until they throw or need more bytes, and traps when the pieces decode differently from the whole.
///
/// Differential on purpose: memory safety is checked by ASan, and the comparison catches parse state that
/// goes wrong across reads, which a crash-only target cannot see.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The first byte picks the piece size, so the fuzzer explores splits as well as contents.
    let piece = size > 0 ? Int(bytes[0] % 13) + 1 : 1
    let limits = RESPLimits(maxBulkLength: 1 << 16, maxAggregateCount: 1 << 12, maxDepth: 8, maxLineLength: 1 << 10)

    let replies = decodeReplies(bytes, piece: bytes.count, limits: limits)
    let splitReplies = decodeReplies(bytes, piece: piece, limits: limits)
    if replies != splitReplies { fatalError("reply decoding differs when split: \(replies) vs \(splitReplies)") }

    let commands = decodeCommands(bytes, piece: bytes.count, limits: limits, batched: false)
    let splitCommands = decodeCommands(bytes, piece: piece, limits: limits, batched: false)
    let batchedCommands = decodeCommands(bytes, piece: piece, limits: limits, batched: true)
    if commands != splitCommands || commands != batchedCommands {
        fatalError("command decoding differs: \(commands) vs \(splitCommands) vs \(batchedCommands)")
    }

    // Whatever decoded must re-encode to bytes that decode and re-encode identically. (Not to the same
    // value: the encoder deliberately writes CR and LF in simple strings and errors as spaces.)
    let encoder = RESPEncoder(protocolVersion: .resp3)
    var encoded = ByteBuffer()
    for value in replies.values { encoder.encode(value, into: &encoded) }
    let first = encoded.readableBytesArray
    var decoder = RESPDecoder(limits: RESPLimits(maxDepth: 64))
    var reencoded = ByteBuffer()
    for _ in replies.values {
        guard let again = try? decoder.decode(&encoded) else { fatalError("re-encoded replies did not decode") }
        encoder.encode(again, into: &reencoded)
    }
    if !encoded.isEmpty || reencoded.readableBytesArray != first { fatalError("re-encoding is not stable") }
    return 0
}

/// What one decoding run produced: descriptions of the values and the error that ended it, if any.
private struct Outcome<Value>: Equatable {
    var values: [Value] = []
    var descriptions: [String] = []
    var error: String?

    static func == (lhs: Outcome, rhs: Outcome) -> Bool {
        lhs.descriptions == rhs.descriptions && lhs.error == rhs.error
    }
}

private func decodeReplies(_ bytes: [UInt8], piece: Int, limits: RESPLimits) -> Outcome<RESPValue> {
    var decoder = RESPDecoder(limits: limits)
    var buffer = ByteBuffer()
    var outcome = Outcome<RESPValue>()
    var offset = 0
    repeat {
        let end = min(offset + max(piece, 1), bytes.count)
        buffer.writeBytes(bytes[offset..<end])
        offset = end
        do {
            while let value = try decoder.decode(&buffer) {
                outcome.values.append(value)
                outcome.descriptions.append(String(describing: value))
            }
        } catch {
            outcome.error = String(describing: error)
            return outcome
        }
    } while offset < bytes.count
    return outcome
}

private func decodeCommands(_ bytes: [UInt8], piece: Int, limits: RESPLimits, batched: Bool) -> Outcome<RESPCommand> {
    var decoder = RESPCommandDecoder(limits: limits)
    var buffer = ByteBuffer()
    var batch = RESPCommandBatch()
    var outcome = Outcome<RESPCommand>()
    var offset = 0
    repeat {
        let end = min(offset + max(piece, 1), bytes.count)
        buffer.writeBytes(bytes[offset..<end])
        offset = end
        do {
            if batched {
                batch.removeAll()
                while try decoder.decode(&buffer, into: &batch, maxCount: 3) > 0 {}
                for command in batch { outcome.descriptions.append(String(describing: command.arguments)) }
            } else {
                while let command = try decoder.decode(&buffer) {
                    outcome.descriptions.append(String(describing: command.arguments))
                }
            }
        } catch {
            if batched {
                for command in batch { outcome.descriptions.append(String(describing: command.arguments)) }
            }
            outcome.error = String(describing: error)
            return outcome
        }
    } while offset < bytes.count
    return outcome
}
