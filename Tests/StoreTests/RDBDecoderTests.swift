import Store
import Testing

@Suite struct RDBDecoderTests {
    private func decode(_ bytes: [UInt8]) throws -> [String] {
        canonical(try RDBDecoder().decode(bytes).entries)
    }

    @Test("ziplist, intset, zipmap, quicklist and text-score encodings of version 6 decode")
    func version6Encodings() throws {
        var file = RDBFileBuilder(version: 6)
        file.byte(250)
        file.string("redis-ver")
        file.string("3.2.0")
        file.byte(254)
        file.length(0)
        file.key(type: 10, "ziplist")
        file.string(ziplist([.string("a"), .integer(5), .integer(-300), .integer(100_000), .integer(1 << 40)]))
        file.key(type: 11, "intset")
        file.string(intset([-2, 1, 70000], width: 4))
        file.byte(253)
        file.bytes += withUnsafeBytes(of: Int32(2_000_000_000).littleEndian, Array.init)
        file.key(type: 13, "hash")
        file.string(ziplist([.string("f"), .string("v"), .string("g"), .integer(12)]))
        file.byte(248)  // IDLE
        file.length(100)
        file.key(type: 12, "zset")
        file.string(ziplist([.string("m"), .string("1.5"), .string("n"), .integer(2)]))
        file.key(type: 9, "zipmap")
        file.string([1, 1] + Array("k".utf8) + [2, 0] + Array("vv".utf8) + [255])
        file.key(type: 14, "quicklist")
        file.length(2)
        file.string(ziplist([.string("x"), .integer(1)]))
        file.string(ziplist([.string("y")]))
        file.key(type: 3, "textzset")
        file.length(2)
        file.string("a")
        file.byte(3)
        file.bytes += Array("2.5".utf8)
        file.string("b")
        file.byte(254)
        #expect(
            try decode(file.finished()) == [
                "\"hash\" -> hash \"f\"=\"v\",\"g\"=\"12\" @ 2000000000000",
                "\"intset\" -> set \"-2\",\"1\",\"70000\" @ -",
                "\"quicklist\" -> list \"x\",\"1\",\"y\" @ -",
                "\"textzset\" -> zset \"a\"=2.5,\"b\"=inf @ -",
                "\"ziplist\" -> list \"a\",\"5\",\"-300\",\"100000\",\"1099511627776\" @ -",
                "\"zipmap\" -> hash \"k\"=\"vv\" @ -",
                "\"zset\" -> zset \"m\"=1.5,\"n\"=2.0 @ -",
            ])
    }

    @Test("listpack and quicklist 2 encodings of version 11 decode, with aux fields and a function library")
    func version11Encodings() throws {
        var file = RDBFileBuilder(version: 11)
        for (name, value) in [("repl-id", "0123456789abcdef0123456789abcdef01234567"), ("repl-offset", "12345")] {
            file.byte(250)
            file.string(name)
            file.string(value)
        }
        file.byte(245)
        file.string("#!lua name=lib\nredis.register_function('f', function() return 1 end)")
        file.byte(254)
        file.length(0)
        file.byte(251)
        file.length(4)
        file.length(1)
        file.key(type: 20, "set")
        file.string(listpack([.string("a"), .integer(-5000), .integer(7)]))
        file.key(type: 16, "hash")
        file.string(listpack([.string("f"), .integer(300), .string("g"), .integer(-1)]))
        file.byte(249)  // FREQ
        file.byte(5)
        file.key(type: 17, "zset")
        file.string(listpack([.string("m"), .integer(3), .string("n"), .string("-inf")]))
        file.byte(252)
        file.bytes += withUnsafeBytes(of: Int64(1_900_000_000_123).littleEndian, Array.init)
        file.key(type: 18, "list")
        file.length(2)
        file.length(1)  // a plain node: the element itself
        file.string(String(repeating: "p", count: 100))
        file.length(2)  // a packed node: a listpack
        file.string(listpack([.string("q"), .integer(1 << 40)]))
        let snapshot = try RDBDecoder().decode(file.finished())
        #expect(
            canonical(snapshot.entries) == [
                "\"hash\" -> hash \"f\"=\"300\",\"g\"=\"-1\" @ -",
                "\"list\" -> list \"\(String(repeating: "p", count: 100))\",\"q\",\"1099511627776\" @ 1900000000123",
                "\"set\" -> set \"-5000\",\"7\",\"a\" @ -",
                "\"zset\" -> zset \"n\"=-inf,\"m\"=3.0 @ -",
            ])
        #expect(snapshot.summary.version == 11)
        #expect(snapshot.summary.auxiliaryFields["repl-offset"] == Array("12345".utf8))
        #expect(snapshot.summary.functionLibraries.count == 1)
        #expect(snapshot.summary.keyCount == 4)
    }

    @Test("keys of other databases are delivered with their database number")
    func databases() throws {
        var file = RDBFileBuilder(version: 9)
        file.byte(254)
        file.length(3)
        file.key(type: 0, "k")
        file.string("v")
        let entries = try RDBDecoder().decode(file.finished()).entries
        #expect(entries.map(\.database) == [3])
    }

    @Test("a version 3 file has no checksum and decodes")
    func oldVersion() throws {
        var file = RDBFileBuilder(version: 3)
        file.key(type: 0, "k")
        file.string("v")
        let snapshot = try RDBDecoder().decode(file.finished())
        #expect(snapshot.summary.checksum == nil)
        #expect(canonical(snapshot.entries) == ["\"k\" -> string \"v\" @ -"])
    }

    @Test("modules throw an unsupported error naming the type")
    func unsupportedTypes() {
        for (type, name) in [(UInt8(6), "module"), (7, "module")] {
            var file = RDBFileBuilder(version: 11)
            file.key(type: type, "k")
            file.string("whatever")
            #expect {
                try RDBDecoder().decode(file.finished())
            } throws: { error in
                guard let error = error as? RDBError else { return false }
                return error.code == .unsupported && error.reason.contains(name)
            }
        }
        var file = RDBFileBuilder(version: 9)
        file.byte(247)
        #expect(throws: RDBError.self) { try RDBDecoder().decode(file.finished()) }
    }
}
