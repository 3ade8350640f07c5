import Core
import Testing

@testable import RESP

@Suite struct RESPDecoderTests {
    /// One value of every type, nested aggregates included (`.nullArray` is RESP2's: it decodes as `.null`
    /// from RESP3, tested apart).
    static let everyType: [RESPValue] = [
        .simpleString("OK"),
        .simpleString(""),
        .error("ERR unknown command 'FOO'"),
        .integer(0), .integer(-1), .integer(Int.max), .integer(Int.min),
        .bulkString("hello"), .bulkString([]), .bulkString([0, 13, 10, 255, 36]),
        .array([]), .array([.integer(1), .bulkString("two"), .array([.simpleString("three")])]),
        .null,
        .double(3.25), .double(-0.5), .double(1e300), .double(.infinity), .double(-.infinity),
        .boolean(true), .boolean(false),
        .blobError(Array("SYNTAX invalid syntax")),
        .verbatimString(format: "txt", text: Array("Some string")),
        .verbatimString(format: "mkd", text: []),
        .bigNumber("3492890328409238509324850943850943825024385"), .bigNumber("-12"),
        .map([]), .map([.init(.simpleString("first"), .integer(1)), .init(.bulkString("second"), .array([]))]),
        .set([]), .set([.integer(1), .bulkString("x")]),
        .attribute([.init(.simpleString("ttl"), .integer(3600))], .bulkString("value")),
        .array([.attribute([.init(.bulkString("a"), .null)], .integer(1)), .integer(2)]),
        .push([.bulkString("message"), .bulkString("channel"), .bulkString("payload")]),
        .push([]),
    ]

    static func encode(_ values: [RESPValue], _ version: RESPProtocolVersion = .resp3) -> [UInt8] {
        var buffer = ByteBuffer()
        for value in values { RESPEncoder(protocolVersion: version).encode(value, into: &buffer) }
        return buffer.readableBytesArray
    }

    static func decodeAll(_ bytes: [UInt8], _ feeding: Feeding, limits: RESPLimits = .default) throws -> [RESPValue] {
        var decoder = RESPDecoder(limits: limits)
        let (items, left) = try feeding.run(bytes) { try decoder.decode(&$0) }
        #expect(left == 0)
        return items
    }

    static func decodeError(_ text: String, limits: RESPLimits = .default) -> RESPError? {
        var decoder = RESPDecoder(limits: limits)
        var buffer = ByteBuffer(string: text)
        do {
            while try decoder.decode(&buffer) != nil {}
            return nil
        } catch let error as RESPError {
            return error
        } catch {
            return nil
        }
    }

    @Test(
        "every type round-trips through RESP3, fed whole, byte at a time and in random splits",
        arguments: Feeding.allCases)
    func roundTripEveryType(feeding: Feeding) throws {
        let decoded = try Self.decodeAll(Self.encode(Self.everyType), feeding)
        #expect(decoded == Self.everyType)
    }

    @Test("nan survives a round trip as nan")
    func nan() throws {
        let decoded = try Self.decodeAll(Array(",nan\r\n"), .whole)
        guard case .double(let value) = decoded.first else {
            Issue.record("expected a double, got \(decoded)")
            return
        }
        #expect(value.isNaN)
    }

    @Test("RESP2 types round-trip exactly through RESP2", arguments: Feeding.allCases)
    func roundTripRESP2(feeding: Feeding) throws {
        let values: [RESPValue] = [
            .simpleString("PONG"), .error("WRONGTYPE x"), .integer(42), .bulkString("v"), .null, .nullArray,
            .array([.bulkString("a"), .null, .array([]), .integer(-3)]),
        ]
        let bytes = Self.encode(values, .resp2)
        #expect(String(decoding: bytes, as: UTF8.self).contains("$-1\r\n*-1\r\n"))
        #expect(try Self.decodeAll(bytes, feeding) == values)
    }

    @Test("RESP2's null array is RESP3's null")
    func nullArrayInRESP3() throws {
        #expect(Self.encode([.nullArray], .resp3) == Array("_\r\n"))
        #expect(try Self.decodeAll(Self.encode([.nullArray], .resp3), .whole) == [.null])
    }

    @Test("the specification's examples decode as documented")
    func specificationExamples() throws {
        let input =
            "*3\r\n:1\r\n:2\r\n:3\r\n" + "%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n" + "~2\r\n+orange\r\n+apple\r\n"
            + ",1.23\r\n" + ",10\r\n" + ",-inf\r\n" + "#t\r\n" + "_\r\n" + "=15\r\ntxt:Some string\r\n"
            + "!21\r\nSYNTAX invalid syntax\r\n" + "(3492890328409238509324850943850943825024385\r\n"
            + "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n"
            + ">2\r\n+invalidate\r\n*1\r\n$3\r\nfoo\r\n"
        let decoded = try Self.decodeAll(Array(input), .whole)
        #expect(
            decoded == [
                .array([.integer(1), .integer(2), .integer(3)]),
                .map([.init(.simpleString("first"), .integer(1)), .init(.simpleString("second"), .integer(2))]),
                .set([.simpleString("orange"), .simpleString("apple")]),
                .double(1.23), .double(10), .double(-.infinity), .boolean(true), .null,
                .verbatimString(format: "txt", text: Array("Some string")),
                .blobError(Array("SYNTAX invalid syntax")),
                .bigNumber("3492890328409238509324850943850943825024385"),
                .attribute(
                    [
                        .init(
                            .simpleString("key-popularity"),
                            .map([
                                .init(.bulkString("a"), .double(0.1923)), .init(.bulkString("b"), .double(0.0012)),
                            ]))
                    ], .array([.integer(2_039_123), .integer(9_543_892)])),
                .push([.simpleString("invalidate"), .array([.bulkString("foo")])]),
            ])
    }

    @Test("an attribute inside an aggregate attaches to the next element and does not count as one")
    func attributeInsideArray() throws {
        let decoded = try Self.decodeAll(Array("*2\r\n|1\r\n+k\r\n+v\r\n:1\r\n:2\r\n"), .byteAtATime)
        #expect(
            decoded == [
                .array([.attribute([.init(.simpleString("k"), .simpleString("v"))], .integer(1)), .integer(2)])
            ])
    }

    @Test("an incomplete value consumes nothing")
    func incompleteConsumesNothing() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "*2\r\n$5\r\nhel")
        #expect(try decoder.decode(&buffer) == nil)
        #expect(buffer.readableBytes == 11)
        buffer.writeString("lo\r\n:7\r\n+next")
        #expect(try decoder.decode(&buffer) == .array([.bulkString("hello"), .integer(7)]))
        #expect(buffer.description == "+next")
    }

    @Test("a 1 MiB bulk string in 4 KiB reads decodes in linear time")
    func largeBulkInPieces() throws {
        let payload = [UInt8](repeating: 0x61, count: 1 << 20)
        var bytes = Array("$\(payload.count)\r\n")
        bytes += payload + Array("\r\n")
        var decoder = RESPDecoder()
        var buffer = ByteBuffer()
        var result: RESPValue?
        var offset = 0
        while offset < bytes.count {
            let end = Swift.min(offset + 4096, bytes.count)
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            if let value = try decoder.decode(&buffer) { result = value }
        }
        #expect(result == .bulkString(payload))
    }

    @Test("an array of 100,000 elements arriving byte by byte decodes")
    func longArrayByteAtATime() throws {
        var text = "*100000\r\n"
        for _ in 0..<100_000 { text += ":1\r\n" }
        let decoded = try Self.decodeAll(Array(text), .byteAtATime)
        #expect(decoded == [.array(Array(repeating: .integer(1), count: 100_000))])
    }

    @Test("nesting up to the depth limit decodes and one more level throws")
    func depthLimit() throws {
        let limits = RESPLimits(maxDepth: 32)
        let deepest = String(repeating: "*1\r\n", count: 32) + ":1\r\n"
        var expected = RESPValue.integer(1)
        for _ in 0..<32 { expected = .array([expected]) }
        #expect(try Self.decodeAll(Array(deepest), .randomSplits, limits: limits) == [expected])
        let tooDeep = String(repeating: "*1\r\n", count: 33) + ":1\r\n"
        #expect(Self.decodeError(tooDeep, limits: limits) == RESPError(.limitExceeded, "too deep nesting"))
        // Attributes and maps count as levels too.
        let mixed = String(repeating: "%1\r\n:1\r\n", count: 32) + "|1\r\n:1\r\n:1\r\n:1\r\n"
        #expect(Self.decodeError(mixed, limits: limits) == RESPError(.limitExceeded, "too deep nesting"))
    }

    @Test("a deeply nested hostile input throws instead of recursing")
    func hostileNesting() {
        let input = String(repeating: "*1\r\n", count: 100_000)
        #expect(Self.decodeError(input) == RESPError(.limitExceeded, "too deep nesting"))
    }

    @Test("bulk length, element count and line length limits throw")
    func limits() {
        let limits = RESPLimits(maxBulkLength: 10, maxAggregateCount: 3, maxLineLength: 16)
        #expect(Self.decodeError("$11\r\n", limits: limits) == RESPError(.limitExceeded, "invalid bulk length"))
        #expect(Self.decodeError("!11\r\n", limits: limits) == RESPError(.limitExceeded, "invalid bulk length"))
        #expect(Self.decodeError("$10\r\n0123456789\r\n", limits: limits) == nil)
        #expect(Self.decodeError("*4\r\n", limits: limits) == RESPError(.limitExceeded, "invalid multibulk length"))
        #expect(Self.decodeError("%4\r\n", limits: limits) == RESPError(.limitExceeded, "invalid multibulk length"))
        #expect(Self.decodeError("*3\r\n:1\r\n:1\r\n:1\r\n", limits: limits) == nil)
        #expect(
            Self.decodeError("+" + String(repeating: "a", count: 17), limits: limits)
                == RESPError(.limitExceeded, "too big line"))
        #expect(
            Self.decodeError("+" + String(repeating: "a", count: 17) + "\r\n", limits: limits)
                == RESPError(.limitExceeded, "too big line"))
        #expect(Self.decodeError("+" + String(repeating: "a", count: 16), limits: limits) == nil)
    }

    @Test("a huge announced count allocates nothing up front")
    func hugeCountDoesNotAllocate() throws {
        var decoder = RESPDecoder(limits: RESPLimits(maxAggregateCount: Int.max / 4))
        var buffer = ByteBuffer(string: "*1000000000000\r\n:1\r\n")
        #expect(try decoder.decode(&buffer) == nil)
    }

    @Test(
        "malformed input throws",
        arguments: [
            ("?\r\n", "unknown type byte '?'"),
            ("+OK\rX", "expected CRLF"),
            (":12a\r\n", "invalid integer"),
            (":\r\n", "invalid integer"),
            (":+1\r\n", "invalid integer"),
            (":99999999999999999999\r\n", "invalid integer"),
            ("$-2\r\n", "invalid bulk length"),
            ("$abc\r\n", "invalid bulk length"),
            ("!-1\r\n", "invalid bulk length"),
            ("$3\r\nabcd\r\n", "expected CRLF after bulk payload"),
            ("*-2\r\n", "invalid multibulk length"),
            ("%-1\r\n", "invalid multibulk length"),
            ("*x\r\n", "invalid multibulk length"),
            ("_x\r\n", "invalid null"),
            (",abc\r\n", "invalid double"),
            (",\r\n", "invalid double"),
            ("#x\r\n", "invalid boolean"),
            ("#tt\r\n", "invalid boolean"),
            ("(12x\r\n", "invalid big number"),
            ("(\r\n", "invalid big number"),
            ("=3\r\ntxt\r\n", "invalid verbatim string"),
            ("=5\r\ntxt-x\r\n", "invalid verbatim string"),
            ("=5\r\nt\u{E9}:x\r\n", "invalid verbatim string"),
        ])
    func malformed(input: String, reason: String) {
        #expect(Self.decodeError(input)?.reason == reason)
    }

    @Test("a line with a bare LF decodes, and re-encodes with a space (fuzzer regression)")
    func bareLineFeedInLine() throws {
        let input: [UInt8] = [0x2d, 0x01, 0x00, 0x7c, 0x0a, 0x2d, 0x01, 0x00, 0x0d, 0x0a]
        let decoded = try Self.decodeAll(input, .byteAtATime)
        #expect(decoded == [.error("\u{1}\0|\n-\u{1}\0")])
        #expect(Self.encode(decoded) == [0x2d, 0x01, 0x00, 0x7c, 0x20, 0x2d, 0x01, 0x00, 0x0d, 0x0a])
    }

    @Test("replacing the buffer after an incomplete value starts over")
    func replacedBuffer() throws {
        var decoder = RESPDecoder()
        var first = ByteBuffer(string: "*2\r\n:1\r\n")
        #expect(try decoder.decode(&first) == nil)
        var second = ByteBuffer(string: ":5\r\n")
        #expect(try decoder.decode(&second) == .integer(5))
    }
}
