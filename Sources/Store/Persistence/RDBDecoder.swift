/// Reads a snapshot in Redis's RDB format, versions 1 to 11 (Redis 2.x to 7.2), key by key.
///
/// Works on the whole file in memory (read or mapped): Redis itself buffers a replication payload to a
/// file before loading it, and random access keeps the parser simple. Keys are delivered to a closure
/// as they are read, so only one value at a time is built. Every database's keys are delivered, each
/// with its `database` number: a caller with a single database loads them all into it (keys of other
/// databases are not dropped). Every malformed, truncated or unsupported input throws `RDBError`, never
/// traps. Modules and pre-GA function payloads are unsupported and throw naming what they are; streams'
/// consumer groups are read and dropped (we have none).
public struct RDBDecoder: Sendable {
    /// Whether a nonzero checksum is verified (a zero one means the writer disabled it, as in Redis).
    public var verifiesChecksum: Bool

    /// A decoder.
    public init(verifiesChecksum: Bool = true) {
        self.verifiesChecksum = verifiesChecksum
    }

    /// Reads every key of `bytes` into a snapshot.
    public func decode(_ bytes: [UInt8]) throws -> RDBSnapshot {
        var entries: [RDBEntry] = []
        let summary = try decode(bytes) { entries.append($0) }
        return RDBSnapshot(summary: summary, entries: entries)
    }

    /// Reads `bytes`, calling `onEntry` with each key in file order; returns the summary at the end.
    /// Throws `RDBError` for a bad file, or what `onEntry` throws.
    public func decode(_ bytes: [UInt8], onEntry: (RDBEntry) throws -> Void) throws -> RDBSummary {
        try bytes.withUnsafeBytes { try decode($0, onEntry: onEntry) }
    }

    /// Reads `bytes` (see `decode(_:onEntry:)`).
    public func decode(_ bytes: UnsafeRawBufferPointer, onEntry: (RDBEntry) throws -> Void) throws -> RDBSummary {
        var reader = RDBReader(bytes)
        var summary = RDBSummary(version: try Self.readHeader(&reader))
        var database = 0
        var expiresAt: Int64?
        loop: while true {
            let opcodeOffset = reader.offset
            let type = try reader.readByte()
            switch type {
            case RDBConstant.opcodeExpireTimeMilliseconds:
                expiresAt = try reader.readLittleEndian(byteCount: 8, signed: true)
            case RDBConstant.opcodeExpireTime:
                expiresAt = try reader.readLittleEndian(byteCount: 4, signed: true) * 1000
            case RDBConstant.opcodeFreq:
                _ = try reader.readByte()
            case RDBConstant.opcodeIdle:
                _ = try reader.readLength()
            case RDBConstant.opcodeEOF:
                break loop
            case RDBConstant.opcodeSelectDB:
                database = try reader.readLength()
            case RDBConstant.opcodeResizeDB:
                _ = try reader.readLength()
                _ = try reader.readLength()
            case RDBConstant.opcodeAux:
                let name = try reader.readString()
                let value = try reader.readString()
                summary.auxiliaryFields[String(decoding: name, as: UTF8.self)] = value
            case RDBConstant.opcodeModuleAux:
                throw RDBError(.unsupported, "module aux data is not supported", at: opcodeOffset)
            case RDBConstant.opcodeFunctionPreGA:
                throw RDBError(.unsupported, "functions in the pre-GA format are not supported", at: opcodeOffset)
            case RDBConstant.opcodeFunction2:
                summary.functionLibraries.append(try reader.readString())
            default:
                let keyBytes = try reader.readString()
                let key = keyBytes.withUnsafeBytes { StoreKey($0) }
                let value = try Self.readValue(type: type, at: opcodeOffset, &reader)
                let deadline = expiresAt
                expiresAt = nil
                // An empty aggregate is skipped, as Redis's loader does.
                guard let value else { continue }
                summary.keyCount += 1
                try onEntry(RDBEntry(key: key, value: value, expiresAt: deadline, database: database))
            }
        }
        try verifyChecksum(&reader, &summary)
        summary.byteCount = reader.offset
        return summary
    }

    /// Checks `REDIS` and reads the four-digit version.
    private static func readHeader(_ reader: inout RDBReader) throws -> Int {
        guard reader.remaining >= 9 else { throw reader.error(.truncated, "file too short for the RDB header") }
        let magic = try reader.readBytes(5)
        guard magic.elementsEqual("REDIS".utf8) else { throw RDBError(.badHeader, "wrong signature", at: 0) }
        var version = 0
        for digit in try reader.readBytes(4) {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else {
                throw RDBError(.badHeader, "invalid version number", at: 5)
            }
            version = version * 10 + Int(digit - UInt8(ascii: "0"))
        }
        guard (RDBConstant.oldestVersion...RDBConstant.newestVersion).contains(version) else {
            throw RDBError(.badHeader, "can't handle RDB format version \(version)", at: 5)
        }
        return version
    }

    /// From version 5 the file ends with the CRC-64 of everything before it; zero means not computed.
    private func verifyChecksum(_ reader: inout RDBReader, _ summary: inout RDBSummary) throws {
        guard summary.version >= 5 else { return }
        let end = reader.offset
        let stored = UInt64(bitPattern: try reader.readLittleEndian(byteCount: 8, signed: false))
        summary.checksum = stored
        guard verifiesChecksum, stored != 0 else { return }
        let computed = CRC64.checksum(UnsafeRawBufferPointer(rebasing: reader.bytes[0..<end]))
        guard computed == stored else {
            throw RDBError(.badChecksum, "wrong RDB checksum, expected \(computed) found \(stored)", at: end)
        }
    }
}
