/// Writes a snapshot in Redis's RDB format, version 9, which every Redis from 5.0 on loads.
///
/// A value fed key by key, so a snapshot of hundreds of megabytes never sits in memory whole:
/// `init` writes the header (magic, aux fields, `SELECTDB 0`, `RESIZEDB`), each `append(key:value:expiresAt:)`
/// writes one key, and `finish()` writes `EOF` and the CRC-64 of everything before it. The checksum is
/// updated as each key's bytes are produced. With a `sink`, bytes are handed over in chunks of about
/// `chunkSize` (and the rest at `finish()`); without one they accumulate in `bytes`.
///
/// Encodings are the plain ones (string with integer and LZF encodings, list, set, sorted set with binary
/// scores, hash), which Redis converts to its compact encodings as it loads, and streams as the listpacks
/// Redis itself keeps them in. No I/O: the sink does that.
/// Not thread-safe: a value owned by whoever writes the snapshot.
public struct RDBEncoder {
    /// The RDB version written.
    public static let version = 9
    /// The `redis-ver` aux field written: the Redis whose format this is.
    public static let redisVersion = "7.0.15"

    /// Bytes produced and not yet handed to the sink; the whole file when there is no sink.
    public internal(set) var bytes: [UInt8] = []
    /// How many keys have been appended.
    public private(set) var keyCount = 0
    /// Whether `finish()` has run; nothing may be appended after.
    public private(set) var isFinished = false

    /// Whether strings over 20 bytes are LZF-compressed when that shrinks them (Redis's rdbcompression).
    public var compressesStrings: Bool
    private var checksum = CRC64()
    private var checksummedCount = 0
    private let chunkSize: Int
    private let sink: ((UnsafeRawBufferPointer) throws -> Void)?

    /// Starts a snapshot and writes its header.
    ///
    /// - Parameters:
    ///   - ctime: the snapshot's creation time, Unix seconds (the `ctime` aux field).
    ///   - usedMemory: the `used-mem` aux field, in bytes.
    ///   - auxiliaryFields: more aux fields, written after `used-mem` in this order (`repl-id`, ...).
    ///   - keyCount: how many keys will be appended, for `RESIZEDB` (a sizing hint to the loader).
    ///   - expiringKeyCount: how many of them have a deadline, for `RESIZEDB`.
    ///   - compressesStrings: whether long strings are LZF-compressed when that helps.
    ///   - chunkSize: the bytes gathered before the sink is called.
    ///   - sink: receives the file in order, chunk by chunk; what it throws, `append` and `finish` throw.
    ///     Without one, the file accumulates in `bytes`.
    public init(
        ctime: Int64, usedMemory: Int = 0, auxiliaryFields: [(name: String, value: [UInt8])] = [],
        keyCount: Int = 0, expiringKeyCount: Int = 0, compressesStrings: Bool = true, chunkSize: Int = 1 << 20,
        sink: ((UnsafeRawBufferPointer) throws -> Void)? = nil
    ) {
        self.compressesStrings = compressesStrings
        self.chunkSize = chunkSize
        self.sink = sink
        bytes.reserveCapacity(sink == nil ? 4096 : chunkSize + 4096)
        bytes.append(contentsOf: Array("REDIS000\(Self.version)".utf8))
        writeAux("redis-ver", Array(Self.redisVersion.utf8))
        writeAux("redis-bits", Array(String(Int.bitWidth).utf8))
        writeAux("ctime", Array(String(ctime).utf8))
        writeAux("used-mem", Array(String(usedMemory).utf8))
        for field in auxiliaryFields { writeAux(field.name, field.value) }
        writeAux("aof-base", Array("0".utf8))
        bytes.append(RDBConstant.opcodeSelectDB)
        writeLength(0)
        bytes.append(RDBConstant.opcodeResizeDB)
        writeLength(keyCount)
        writeLength(expiringKeyCount)
    }

    /// Writes `key` holding `value`, with its deadline in Unix milliseconds when `expiresAt` is set.
    ///
    /// An empty list, set, sorted set or hash is skipped: Redis never stores one and refuses to load it.
    /// An empty stream is written: streams exist with no entries.
    /// Throws only what the sink throws. Must not be called after `finish()`.
    public mutating func append(key: StoreKey, value: StoreValue, expiresAt: Int64?) throws {
        precondition(!isFinished, "RDBEncoder.append after finish")
        guard !Self.isEmptyAggregate(value) else { return }
        if let expiresAt {
            bytes.append(RDBConstant.opcodeExpireTimeMilliseconds)
            writeLittleEndian(UInt64(bitPattern: expiresAt))
        }
        writeValue(key: key, value: value)
        keyCount += 1
        updateChecksum()
        if sink != nil, bytes.count >= chunkSize { try flush() }
    }

    /// Writes `EOF` and the checksum, and hands the rest to the sink. Runs once.
    public mutating func finish() throws {
        precondition(!isFinished, "RDBEncoder.finish twice")
        bytes.append(RDBConstant.opcodeEOF)
        updateChecksum()
        writeLittleEndian(checksum.value)
        checksummedCount = bytes.count
        isFinished = true
        try flush()
    }

    // MARK: - Internals

    private mutating func updateChecksum() {
        bytes.withUnsafeBytes { checksum.update(UnsafeRawBufferPointer(rebasing: $0[checksummedCount...])) }
        checksummedCount = bytes.count
    }

    private mutating func flush() throws {
        guard let sink, !bytes.isEmpty else { return }
        try bytes.withUnsafeBytes { try sink($0) }
        bytes.removeAll(keepingCapacity: true)
        checksummedCount = 0
    }

    private mutating func writeAux(_ name: String, _ value: [UInt8]) {
        bytes.append(RDBConstant.opcodeAux)
        writeString(Array(name.utf8))
        writeString(value)
    }

    private static func isEmptyAggregate(_ value: StoreValue) -> Bool {
        switch value {
        case .string, .inlineString, .integer: false
        case .hash(let hash): hash.isEmpty
        case .list(let list): list.isEmpty
        case .set(let set): set.isEmpty
        case .sortedSet(let sortedSet): sortedSet.isEmpty
        case .stream: false
        }
    }
}
