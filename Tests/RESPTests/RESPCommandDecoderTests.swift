import Core
import Testing

@testable import RESP

@Suite struct RESPCommandDecoderTests {
    static func commands(
        _ bytes: [UInt8], _ feeding: Feeding = .whole, limits: RESPLimits = .default
    ) throws -> [[String]] {
        var decoder = RESPCommandDecoder(limits: limits)
        let (items, left) = try feeding.run(bytes) { try decoder.decode(&$0) }
        #expect(left == 0)
        return items.map { command in (0..<command.count).map { command.string(at: $0) } }
    }

    static func commands(_ text: String, _ feeding: Feeding = .whole) throws -> [[String]] {
        try commands(Array(text), feeding)
    }

    /// The error decoding `text` throws, after any complete commands before it.
    static func error(_ text: String, limits: RESPLimits = .default) -> String? {
        var decoder = RESPCommandDecoder(limits: limits)
        var buffer = ByteBuffer(string: text)
        do {
            while try decoder.decode(&buffer) != nil {}
            return nil
        } catch let error as RESPError {
            return error.replyMessage
        } catch {
            return "\(error)"
        }
    }

    static let pipeline =
        "*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000042\r\n$3\r\nxxx\r\n" + "*2\r\n$3\r\nGET\r\n$16\r\nkey:000000000042\r\n"
        + "PING\r\n" + "*1\r\n$4\r\nPING\r\n" + "*3\r\n$5\r\nLPUSH\r\n$0\r\n\r\n$5\r\na\r\nb\0\r\n"
        + "set k \"v w\"\n"

    static let pipelineCommands = [
        ["SET", "key:000000000042", "xxx"], ["GET", "key:000000000042"], ["PING"], ["PING"],
        ["LPUSH", "", "a\r\nb\0"], ["set", "k", "v w"],
    ]

    @Test("pipelined multibulk and inline commands decode in order", arguments: Feeding.allCases)
    func pipelined(feeding: Feeding) throws {
        #expect(try Self.commands(Self.pipeline, feeding) == Self.pipelineCommands)
    }

    @Test("pipelined commands decode in random splits with many seeds")
    func manySeeds() throws {
        for seed in UInt64(0)..<200 {
            var decoder = RESPCommandDecoder()
            let (items, left) = try Feeding.randomSplits.run(Array(Self.pipeline), seed: seed) {
                try decoder.decode(&$0)
            }
            #expect(left == 0)
            #expect(items.map { $0.arguments.map { String(decoding: $0, as: UTF8.self) } } == Self.pipelineCommands)
        }
    }

    @Test("a batch holds every complete command of a buffer and is reusable")
    func batch() throws {
        var decoder = RESPCommandDecoder()
        var batch = RESPCommandBatch()
        var buffer = ByteBuffer(string: Self.pipeline + "*2\r\n$3\r\nGET")
        #expect(try decoder.decode(&buffer, into: &batch) == 6)
        #expect(batch.map { $0.description } == Self.pipelineCommands.map { $0.joined(separator: " ") })
        #expect(buffer.description == "*2\r\n$3\r\nGET")
        batch.removeAll()
        #expect(try decoder.decode(&buffer, into: &batch) == 0)
        #expect(batch.isEmpty)
        buffer.writeString("\r\n$1\r\nk\r\nPING\r\n")
        #expect(try decoder.decode(&buffer, into: &batch, maxCount: 1) == 1)
        #expect(batch.count == 1)
        #expect(batch[0] == RESPCommand(["GET", "k"]))
        #expect(try decoder.decode(&buffer, into: &batch) == 1)
        #expect(batch[1] == RESPCommand(["PING"]))
        #expect(buffer.isEmpty)
    }

    @Test("a command of 10,000 arguments arriving byte by byte decodes")
    func manyArgumentsByteAtATime() throws {
        var text = "*10000\r\n"
        for index in 0..<10_000 { text += "$\(String(index).utf8.count)\r\n\(index)\r\n" }
        let decoded = try Self.commands(text, .byteAtATime)
        #expect(decoded == [(0..<10_000).map(String.init)])
    }

    @Test("a 1 MiB argument in 4 KiB reads decodes")
    func largeArgument() throws {
        let value = [UInt8](repeating: 0x7a, count: 1 << 20)
        var bytes = Array("*2\r\n$4\r\nECHO\r\n$\(value.count)\r\n") + value + Array("\r\n")
        bytes += Array("PING\r\n")
        var decoder = RESPCommandDecoder()
        var buffer = ByteBuffer()
        var decoded: [RESPCommand] = []
        var offset = 0
        while offset < bytes.count {
            let end = Swift.min(offset + 4096, bytes.count)
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            while let command = try decoder.decode(&buffer) { decoded.append(command) }
        }
        #expect(decoded.count == 2)
        #expect(decoded.first?.bytes(at: 1) == value)
        #expect(decoded.last == RESPCommand(["PING"]))
    }

    @Test(
        "inline commands split by Redis's quoting rules",
        arguments: [
            ("PING\r\n", ["PING"]),
            ("PING\n", ["PING"]),
            (" PING\t\r\n", ["PING"]),
            ("SET k v\r\n", ["SET", "k", "v"]),
            ("SET  k\t v \r\n", ["SET", "k", "v"]),
            ("SET \"a b\" 'c d'\r\n", ["SET", "a b", "c d"]),
            ("ECHO \"\\x41\\x7a\\n\\r\\t\\b\\a\\\\\\\"\\q\"\n", ["ECHO", "Az\n\r\t\u{8}\u{7}\\\"q"]),
            ("ECHO \"\\x4g\"\n", ["ECHO", "x4g"]),
            ("ECHO 'it\\'s' 'a\\nb'\n", ["ECHO", "it's", "a\\nb"]),
            ("ECHO a\"b c\" d\n", ["ECHO", "ab c", "d"]),
            ("ECHO \"\" ''\n", ["ECHO", "", ""]),
            ("ECHO a\u{0B}b\n", ["ECHO", "a\u{0B}b"]),
            ("ECHO a\0 ignored after NUL\n", ["ECHO", "a"]),
        ])
    func inline(line: String, expected: [String]) throws {
        #expect(try Self.commands(line, .byteAtATime) == [expected])
    }

    @Test("empty inline lines and empty multibulk commands are skipped")
    func emptyCommands() throws {
        #expect(try Self.commands("\r\n\n \t\r\n*0\r\n*-1\r\nPING\r\n", .byteAtATime) == [["PING"]])
        var decoder = RESPCommandDecoder()
        var buffer = ByteBuffer(string: "\r\n*0\r\n")
        #expect(try decoder.decode(&buffer) == nil)
        #expect(buffer.isEmpty)
    }

    @Test("like Redis, the two bytes after a bulk argument are skipped unchecked")
    func lenientTerminators() throws {
        #expect(try Self.commands("*1\r\n$4\r\nPINGxx*1\r?$4\r!PING\r\n") == [["PING"], ["PING"]])
    }

    @Test(
        "malformed commands throw Redis's exact error",
        arguments: [
            ("*abc\r\n", "invalid multibulk length"),
            ("*+1\r\n", "invalid multibulk length"),
            ("*01\r\n", "invalid multibulk length"),
            ("*1048577\r\n", "invalid multibulk length"),
            ("*99999999999999999999\r\n", "invalid multibulk length"),
            ("*1\r\n$-1\r\n", "invalid bulk length"),
            ("*1\r\n$abc\r\n", "invalid bulk length"),
            ("*1\r\n$536870913\r\n", "invalid bulk length"),
            ("*1\r\nX\r\n", "expected '$', got 'X'"),
            ("*2\r\n$3\r\nGET\r\n:1\r\n", "expected ':', got ':'"),
            ("ECHO \"a\n", "unbalanced quotes in request"),
            ("ECHO 'a\r\n", "unbalanced quotes in request"),
            ("ECHO \"a\"x\n", "unbalanced quotes in request"),
            ("ECHO 'a'x\n", "unbalanced quotes in request"),
            ("ECHO \"a\\\"\n", "unbalanced quotes in request"),
            ("ECHO 'a\\'\n", "unbalanced quotes in request"),
        ])
    func malformed(input: String, reason: String) {
        let expected = reason == "expected ':', got ':'" ? "expected '$', got ':'" : reason
        #expect(Self.error(input) == "ERR Protocol error: \(expected)")
    }

    @Test("a line without a terminator throws once it passes 64 KiB, as in Redis")
    func tooBigLines() {
        for (prefix, reason) in [
            ("*", "too big mbulk count string"), ("*1\r\n$", "too big bulk count string"),
            ("", "too big inline request"),
        ] {
            let filler = prefix.isEmpty ? "a" : "0"
            let atLimit =
                prefix + String(repeating: filler, count: 65536 - prefix.utf8.count + (prefix == "*1\r\n$" ? 4 : 0))
            #expect(Self.error(atLimit) == nil, "\(reason)")
            #expect(Self.error(atLimit + filler) == "ERR Protocol error: \(reason)")
        }
    }

    @Test("the limits are configurable")
    func configurableLimits() {
        let limits = RESPLimits(maxBulkLength: 3, maxAggregateCount: 2, maxLineLength: 8)
        #expect(Self.error("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n", limits: limits) == nil)
        #expect(Self.error("*3\r\n", limits: limits) == "ERR Protocol error: invalid multibulk length")
        #expect(Self.error("*1\r\n$4\r\n", limits: limits) == "ERR Protocol error: invalid bulk length")
        #expect(Self.error("PING PONG", limits: limits) == "ERR Protocol error: too big inline request")
    }

    @Test("commands before a protocol error are returned before it throws")
    func goodCommandsFirst() throws {
        var decoder = RESPCommandDecoder()
        var batch = RESPCommandBatch()
        var buffer = ByteBuffer(string: "PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\n")
        #expect(try decoder.decode(&buffer, into: &batch) == 2)
        #expect(buffer.description == "*x\r\n")
        #expect(throws: RESPError(.malformedInput, "invalid multibulk length")) {
            try decoder.decode(&buffer, into: &batch)
        }
        #expect(batch.count == 2)
    }

    @Test("a huge announced argument count allocates nothing up front")
    func hugeCount() throws {
        var decoder = RESPCommandDecoder()
        var buffer = ByteBuffer(string: "*1048576\r\n$1\r\na\r\n")
        #expect(try decoder.decode(&buffer) == nil)
    }

    @Test("an inline line over the limit is too big whether it arrives whole or in pieces (fuzz regression)")
    func inlineLimitDoesNotDependOnSplits() throws {
        let line = Array("\"unbalanced ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 80) + [10]
        for piece in [line.count, 1, 7] {
            #expect(firstError(line, piece: piece)?.reason == "too big inline request", "piece \(piece)")
        }
    }

    @Test("a multibulk count line over the limit is too big whether it arrives whole or in pieces (fuzz regression)")
    func countLineLimitDoesNotDependOnSplits() throws {
        let line = Array("*2'".utf8) + [UInt8](repeating: 0xff, count: 80) + Array("\r\n".utf8)
        for piece in [line.count, 1, 7] {
            #expect(firstError(line, piece: piece)?.reason == "too big mbulk count string", "piece \(piece)")
        }
    }

    /// Feeds `bytes` in pieces of `piece` bytes (line limit 64) and returns the first error.
    private func firstError(_ bytes: [UInt8], piece: Int) -> RESPError? {
        var decoder = RESPCommandDecoder(limits: RESPLimits(maxLineLength: 64))
        var buffer = ByteBuffer()
        var offset = 0
        while offset < bytes.count {
            buffer.writeBytes(bytes[offset..<min(offset + piece, bytes.count)])
            offset += piece
            do { _ = try decoder.decode(&buffer) } catch let error as RESPError { return error } catch { return nil }
        }
        return nil
    }
}
