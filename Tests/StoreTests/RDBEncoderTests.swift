import Core
import Store
import Testing

@Suite struct RDBEncoderTests {
    @Test("every type round-trips through the encoder and the decoder, with and without deadlines")
    func roundTrip() throws {
        let entries = sampleEntries()
        let snapshot = try RDBDecoder().decode(encode(entries))
        #expect(canonical(snapshot.entries) == canonical(entries))
        #expect(snapshot.summary.version == 9)
        #expect(snapshot.summary.auxiliaryFields["redis-ver"] == Array("7.0.15".utf8))
        #expect(snapshot.summary.auxiliaryFields["redis-bits"] == Array("64".utf8))
        #expect(snapshot.summary.auxiliaryFields["ctime"] == Array("1700000000".utf8))
        #expect(snapshot.summary.auxiliaryFields["aof-base"] == Array("0".utf8))
        #expect(snapshot.summary.checksum != 0)
    }

    @Test("integer strings come back integer-encoded and other strings as strings")
    func integerEncoding() throws {
        let snapshot = try RDBDecoder().decode(encode(sampleEntries()))
        let values = Dictionary(uniqueKeysWithValues: snapshot.entries.map { ($0.key, $0.value) })
        guard case .integer(Int.max) = values["int64"] else { Issue.record("int64 not an integer"); return }
        guard case .integer(-2_000_000_000) = values["int32"] else { Issue.record("int32 not an integer"); return }
        guard let digits = values["digits"], digits.isString, digits.stringBytes == Array("007".utf8),
            values["digits"].map({ if case .integer = $0 { false } else { true } }) == true
        else {
            Issue.record("007 must stay a string")
            return
        }
    }

    @Test("a long compressible string is written LZF-compressed")
    func compression() throws {
        let value = Array(String(repeating: "abcdefgh", count: 500).utf8)
        let bytes = encode([RDBEntry(key: "k", value: .string(value), expiresAt: nil)])
        #expect(bytes.count < 400)
        #expect(try RDBDecoder().decode(bytes).entries.first?.value.stringBytes == value)
    }

    @Test("chunks handed to a sink make the same file as the whole, with the checksum over every chunk")
    func sink() throws {
        let entries = sampleEntries()
        let whole = encode(entries)
        var buffer = ByteBuffer()
        var chunks = 0
        var encoder = RDBEncoder(
            ctime: 1_700_000_000, keyCount: entries.count,
            expiringKeyCount: entries.filter { $0.expiresAt != nil }.count, chunkSize: 1000
        ) {
            buffer.writeBytes($0)
            chunks += 1
        }
        for entry in entries { try encoder.append(key: entry.key, value: entry.value, expiresAt: entry.expiresAt) }
        try encoder.finish()
        #expect(chunks > 3)
        #expect(encoder.bytes.isEmpty)
        // The noise string is random, so compare by decoding; the layout is the same size.
        #expect(buffer.readableBytes == whole.count)
        #expect(canonical(try RDBDecoder().decode(buffer.readableBytesArray).entries) == canonical(entries))
    }

    @Test("a keyspace encodes with its deadlines")
    func keyspace() throws {
        var keyspace = Keyspace()
        keyspace.set("a", .string(Array("1.5".utf8)))
        keyspace.set("b", .integer(42))
        keyspace.setDeadline(1_900_000_000_000, for: "b")
        keyspace.set("c", .list(StoreList([Array("x".utf8)])))
        let snapshot = try RDBDecoder().decode(RDBEncoder.encode(keyspace, ctime: 1))
        #expect(
            canonical(snapshot.entries) == [
                "\"a\" -> string \"1.5\" @ -", "\"b\" -> string \"42\" @ 1900000000000", "\"c\" -> list \"x\" @ -",
            ])
    }

    @Test("empty aggregates are skipped")
    func emptyAggregates() throws {
        let bytes = encode([
            RDBEntry(key: "l", value: .list(StoreList()), expiresAt: 5),
            RDBEntry(key: "s", value: .set(StoreSet()), expiresAt: nil),
        ])
        #expect(try RDBDecoder().decode(bytes).entries.isEmpty)
    }
}
