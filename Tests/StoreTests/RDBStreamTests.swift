import Testing

@testable import Store

/// Streams in RDB files: our type 15 encoder against our decoder, and hand-built files of types 15, 19
/// and 21 with deleted entries and consumer groups.
@Suite struct RDBStreamTests {
    /// A stream of `count` entries `i-0` (from 1), with field names changing every seventh entry so
    /// some entries carry their own fields, integers and text as values.
    static func sampleStream(count: Int, valueSize: Int = 4) -> StoreStream {
        var stream = StoreStream()
        for index in 1...count {
            let field = index % 7 == 0 ? "other" : "field"
            let value = String(repeating: "v", count: valueSize) + "\(index)"
            stream.append(
                StreamID(UInt64(index), 0),
                [Array(field.utf8), Array(value.utf8), Array("n".utf8), Array("\(index - 50)".utf8)])
        }
        return stream
    }

    static func streamEntries() -> [RDBEntry] {
        var small = StoreStream()
        small.append(StreamID(1_700_000_000_000, 0), [Array("name".utf8), Array("ada".utf8)])
        small.append(StreamID(1_700_000_000_000, 1), [Array("name".utf8), Array("bob".utf8), [0, 255], []])
        small.append(StreamID(1_700_000_000_001, 0), [Array("-17".utf8), Array("9223372036854775807".utf8)])
        var emptied = StoreStream()
        emptied.append(StreamID(5, 5), [Array("f".utf8), Array("v".utf8)])
        _ = emptied.remove(StreamID(5, 5))
        var extreme = StoreStream()
        extreme.append(StreamID(3, .max), [Array("f".utf8), Array("v".utf8)])
        extreme.append(StreamID(.max - 1, 2), [Array("f".utf8), Array("v".utf8)])
        extreme.lastID = StreamID(.max, .max)
        return [
            RDBEntry(key: "small", value: .stream(small), expiresAt: nil),
            RDBEntry(key: "many", value: .stream(sampleStream(count: 250)), expiresAt: 1_900_000_000_000),
            RDBEntry(key: "wide", value: .stream(sampleStream(count: 30, valueSize: 1000)), expiresAt: nil),
            RDBEntry(key: "huge", value: .stream(sampleStream(count: 2, valueSize: 10000)), expiresAt: nil),
            RDBEntry(key: "emptied", value: .stream(emptied), expiresAt: nil),
            RDBEntry(key: "extreme", value: .stream(extreme), expiresAt: nil),
        ]
    }

    @Test("streams round-trip through the encoder and the decoder, emptied ones and extreme IDs included")
    func roundTrip() throws {
        let entries = Self.streamEntries()
        let snapshot = try RDBDecoder().decode(encode(entries))
        #expect(canonical(snapshot.entries) == canonical(entries))
        guard case .stream(let emptied) = snapshot.entries.first(where: { $0.key == "emptied" })?.value else {
            Issue.record("the emptied stream did not load")
            return
        }
        #expect(emptied.count == 0 && emptied.lastID == StreamID(5, 5))
    }

    @Test("nodes hold at most 100 entries and 4096 bytes, as Redis cuts them")
    func nodeSizes() {
        let many = RDBEncoder.streamNodes(Self.sampleStream(count: 250).entries)
        #expect(many.map { $0.masterID } == [StreamID(1, 0), StreamID(101, 0), StreamID(201, 0)])
        let wide = RDBEncoder.streamNodes(Self.sampleStream(count: 30, valueSize: 1000).entries)
        // Redis checks before adding: a node takes another entry while its bytes plus the entry's fields and
        // values stay under 4096, so the entry that crosses the line is still in it.
        #expect(wide.count == 9)  // what redis-server 7.0 makes of the same XADDs (XINFO radix-tree-keys)
        #expect(wide.dropLast().allSatisfy { $0.listpack.count > 4096 - 1100 && $0.listpack.count < 4096 + 1100 })
        // An entry bigger than a node still gets one, alone.
        #expect(RDBEncoder.streamNodes(Self.sampleStream(count: 2, valueSize: 10000).entries).count == 2)
    }

    @Test("the listpack of a node is laid out as Redis's streamAppendItem writes it")
    func nodeLayout() throws {
        var stream = StoreStream()
        stream.append(StreamID(10, 1), [Array("a".utf8), Array("1".utf8)])
        stream.append(StreamID(12, 0), [Array("a".utf8), Array("x".utf8)])
        stream.append(StreamID(12, 1), [Array("b".utf8), Array("200".utf8)])
        let nodes = RDBEncoder.streamNodes(stream.entries)
        #expect(nodes.count == 1)
        // Master: 3 live, 0 deleted, 1 field "a", 0. Entries: flags, ms delta, seq delta, [fields], values, count.
        let expected = listpack([
            .integer(3), .integer(0), .integer(1), .string("a"), .integer(0),
            .integer(2), .integer(0), .integer(0), .integer(1), .integer(4),
            .integer(2), .integer(2), .integer(-1), .string("x"), .integer(4),
            .integer(0), .integer(2), .integer(0), .integer(1), .string("b"), .integer(200), .integer(6),
        ])
        #expect(nodes[0].listpack == expected)
    }

    /// A type 19 or 21 file: one stream whose node has a deleted entry, two consumer groups with a
    /// pending entries list and consumers.
    static func handBuiltFile(type: UInt8) -> [UInt8] {
        var file = RDBFileBuilder(version: type == 21 ? 11 : 10)
        file.key(type: type, "s")
        file.length(1)
        file.string(
            withUnsafeBytes(of: UInt64(100).bigEndian, Array.init)
                + withUnsafeBytes(of: UInt64(0).bigEndian, Array.init))
        file.string(
            listpack([
                .integer(2), .integer(1), .integer(1), .string("f"), .integer(0),
                .integer(2 | 1), .integer(0), .integer(0), .string("gone"), .integer(4),
                .integer(2), .integer(0), .integer(1), .string("kept"), .integer(4),
                .integer(0), .integer(5), .integer(0), .integer(1), .string("g"), .integer(-3), .integer(6),
            ]))
        file.length(2)  // length
        file.length(105)  // last ID 105-7
        file.length(7)
        file.length(100)  // first ID
        file.length(0)
        file.length(100)  // max deleted ID
        file.length(0)
        file.length(4)  // entries added
        file.length(2)  // consumer groups
        for (name, pending) in [("g1", 1), ("g2", 0)] {
            file.string(name)
            file.length(100)
            file.length(1)
            file.length(2)  // entries read
            file.length(pending)
            for _ in 0..<pending {
                file.bytes += withUnsafeBytes(of: UInt64(100).bigEndian, Array.init)
                file.bytes += withUnsafeBytes(of: UInt64(1).bigEndian, Array.init)
                file.bytes += withUnsafeBytes(of: UInt64(1_700_000_000_000).littleEndian, Array.init)
                file.length(3)  // delivery count
            }
            file.length(1)  // consumers
            file.string("alice")
            file.bytes += withUnsafeBytes(of: UInt64(1_700_000_000_000).littleEndian, Array.init)
            if type == 21 { file.bytes += withUnsafeBytes(of: UInt64(1_700_000_000_001).littleEndian, Array.init) }
            file.length(pending)
            for _ in 0..<pending {
                file.bytes += withUnsafeBytes(of: UInt64(100).bigEndian, Array.init)
                file.bytes += withUnsafeBytes(of: UInt64(1).bigEndian, Array.init)
            }
        }
        file.key(type: 0, "after")
        file.string("ok")
        return file.finished()
    }

    @Test("types 19 and 21 load with deleted entries skipped and consumer groups read past")
    func newerTypes() throws {
        for type: UInt8 in [19, 21] {
            let snapshot = try RDBDecoder().decode(Self.handBuiltFile(type: type))
            #expect(
                canonical(snapshot.entries) == [
                    "\"after\" -> string \"ok\" @ -",
                    "\"s\" -> stream 100-1=\"f\"/\"kept\",105-0=\"g\"/\"-3\" last 105-7 @ -",
                ])
            guard case .stream(let stream) = snapshot.entries.first?.value else {
                Issue.record("no stream")
                continue
            }
            #expect(stream.entriesAdded == 4)
            #expect(stream.maxDeletedID == StreamID(100, 0))
        }
    }

    @Test("a stream whose IDs go backwards or whose length disagrees is malformed, not a trap")
    func malformed() {
        var backwards = StoreStream()
        backwards.append(StreamID(1, 0), [Array("f".utf8), Array("v".utf8)])
        var file = encode([RDBEntry(key: "s", value: .stream(backwards), expiresAt: nil)])
        // Truncate each byte in turn and flip bytes: every failure is an RDBError.
        for cut in stride(from: 9, to: file.count, by: 3) {
            #expect(throws: RDBError.self) { try RDBDecoder().decode(Array(file[..<cut])) }
        }
        var bad = RDBFileBuilder(version: 9)
        bad.key(type: 15, "s")
        bad.length(1)
        bad.string(
            withUnsafeBytes(of: UInt64(5).bigEndian, Array.init) + withUnsafeBytes(of: UInt64(0).bigEndian, Array.init))
        bad.string(
            listpack([
                .integer(2), .integer(0), .integer(1), .string("f"), .integer(0),
                .integer(2), .integer(1), .integer(0), .string("a"), .integer(4),
                .integer(2), .integer(0), .integer(0), .string("b"), .integer(4),
            ]))
        bad.length(2)
        bad.length(6)
        bad.length(0)
        bad.length(0)
        #expect(throws: RDBError.self) { try RDBDecoder().decode(bad.finished()) }
        file = encode([RDBEntry(key: "s", value: .stream(backwards), expiresAt: nil)])
        #expect(throws: Never.self) { try RDBDecoder().decode(file) }
    }
}
