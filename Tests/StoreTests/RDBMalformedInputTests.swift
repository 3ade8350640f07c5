import Store
import Testing

@Suite struct RDBMalformedInputTests {
    /// A small file with one key of every type.
    private func smallFile() -> [UInt8] {
        var sortedSet = StoreSortedSet()
        sortedSet.set("m", score: 2)
        return encode([
            RDBEntry(key: "s", value: .string(Array(String(repeating: "ab", count: 30).utf8)), expiresAt: 5),
            RDBEntry(key: "i", value: .integer(300), expiresAt: nil),
            RDBEntry(key: "l", value: .list(StoreList([Array("x".utf8)])), expiresAt: nil),
            RDBEntry(key: "t", value: .set(StoreSet(["a"])), expiresAt: nil),
            RDBEntry(key: "z", value: .sortedSet(sortedSet), expiresAt: nil),
            RDBEntry(key: "h", value: .hash(["f": [1]]), expiresAt: nil),
        ])
    }

    @Test("a file truncated at any offset throws an RDB error")
    func truncation() {
        let file = smallFile()
        for end in 0..<file.count {
            #expect(throws: RDBError.self) { try RDBDecoder().decode(Array(file[..<end])) }
        }
    }

    @Test("a bad magic or version is refused")
    func badHeader() {
        var file = smallFile()
        file[0] = UInt8(ascii: "X")
        #expect(throws: RDBError(.badHeader, "wrong signature", at: 0)) { try RDBDecoder().decode(file) }
        #expect(
            RDBError(.badHeader, "wrong signature", at: 0).description
                == "unable to load the RDB file: wrong signature at offset 0")
        for version in ["0012", "0000", "00a9"] {
            let bad = Array("REDIS\(version)".utf8) + smallFile()[9...]
            #expect(throws: RDBError.self) { try RDBDecoder().decode(bad) }
        }
    }

    @Test("a wrong checksum is refused and a zero checksum is not checked")
    func checksum() throws {
        var file = smallFile()
        file[file.count - 1] ^= 1
        #expect {
            try RDBDecoder().decode(file)
        } throws: { ($0 as? RDBError)?.code == .badChecksum }

        // Corrupt a string's content (not its structure), then disable the checksum: it loads.
        var corrupt = smallFile()
        let index = corrupt.count - 12
        corrupt[index] ^= 0x01
        #expect(throws: RDBError.self) { try RDBDecoder().decode(corrupt) }
        for offset in corrupt.count - 8..<corrupt.count { corrupt[offset] = 0 }
        #expect(try RDBDecoder().decode(corrupt).entries.count == 6)
        #expect(try RDBDecoder(verifiesChecksum: false).decode(file).entries.count == 6)
    }

    @Test("every single-byte corruption throws or decodes, never traps")
    func corruption() {
        let file = smallFile()
        let decoder = RDBDecoder(verifiesChecksum: false)
        for index in file.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var corrupt = file
                corrupt[index] ^= flip
                _ = try? decoder.decode(corrupt)
            }
        }
    }

    @Test("forged huge lengths throw without allocating them")
    func hugeLengths() {
        var file = RDBFileBuilder(version: 9)
        file.key(type: 1, "l")
        file.byte(0x81)
        file.bytes += [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        #expect(throws: RDBError.self) { try RDBDecoder().decode(file.finished()) }
        var lzf = RDBFileBuilder(version: 9)
        lzf.key(type: 0, "s")
        lzf.byte(0xC3)
        lzf.length(2)
        lzf.byte(0x81)
        lzf.bytes += [0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00]
        lzf.bytes += [0, 65]
        #expect(throws: RDBError.self) { try RDBDecoder().decode(lzf.finished()) }
    }
}
