import Store
import Testing

@Suite struct CRC64Tests {
    @Test("the checksum of 123456789 is Redis's check value")
    func checkValue() {
        #expect(CRC64.checksum(Array("123456789".utf8)) == 0xe9c6_d914_c4b8_d9ca)
    }

    @Test("updating in pieces gives the same checksum as all at once")
    func pieces() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            var crc = CRC64()
            crc.update(Array(bytes[..<split]))
            crc.update(Array(bytes[split...]))
            #expect(crc.value == CRC64.checksum(bytes))
        }
    }

    @Test("the checksum of nothing is zero")
    func empty() {
        #expect(CRC64.checksum([UInt8]()) == 0)
    }
}
