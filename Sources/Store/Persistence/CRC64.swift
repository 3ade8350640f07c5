/// Redis's CRC-64 (Jones polynomial 0xad93d23594c935a9, reflected in and out, initial value 0, no final
/// xor): the checksum at the end of an RDB file and of a DUMP payload.
///
/// Table-driven with slicing-by-8 (eight bytes per step through eight 256-entry tables), since it runs
/// over whole snapshots. A value: `update` as bytes are produced, read `value` at the end.
public struct CRC64: Sendable {
    /// The checksum of the bytes seen so far.
    public private(set) var value: UInt64

    /// A checksum over no bytes (0), or continuing from `value`.
    public init(value: UInt64 = 0) {
        self.value = value
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var crc = CRC64()
        crc.update(bytes)
        return crc.value
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Adds `bytes` to the checksum.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Adds `bytes` to the checksum.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var crc = value
        var index = 0
        let count = bytes.count
        Self.table.withUnsafeBufferPointer { table in
            while count - index >= 8 {
                crc ^= UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                crc =
                    table[7 &* 256 &+ Int(crc & 0xff)] ^ table[6 &* 256 &+ Int((crc >> 8) & 0xff)]
                    ^ table[5 &* 256 &+ Int((crc >> 16) & 0xff)] ^ table[4 &* 256 &+ Int((crc >> 24) & 0xff)]
                    ^ table[3 &* 256 &+ Int((crc >> 32) & 0xff)] ^ table[2 &* 256 &+ Int((crc >> 40) & 0xff)]
                    ^ table[256 &+ Int((crc >> 48) & 0xff)] ^ table[Int(crc >> 56)]
                index &+= 8
            }
            while index < count {
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                crc = table[Int((crc ^ UInt64(byte)) & 0xff)] ^ (crc >> 8)
                index &+= 1
            }
        }
        value = crc
    }

    /// The reflected polynomial: 0xad93d23594c935a9 with its bits reversed.
    static let reflectedPolynomial: UInt64 = 0x95ac_9329_ac4b_c9b5

    /// Eight tables of 256 entries, one after the other: table k gives the effect of a byte k bytes back.
    static let table: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt64(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ reflectedPolynomial : crc >> 1 }
            table[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(slice - 1) * 256 + byte]
                table[slice * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xff)]
            }
        }
        return table
    }()
}
