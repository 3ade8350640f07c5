/// The byte values of the RDB format: opcodes, value types and length encodings (Redis's `rdb.h`).
enum RDBConstant {
    // MARK: - Opcodes

    /// RDB_OPCODE_FUNCTION_PRE_GA: a function library in the 7.0 release candidates' layout.
    static let opcodeFunctionPreGA: UInt8 = 246
    /// RDB_OPCODE_FUNCTION2: a function library's code, as one string.
    static let opcodeFunction2: UInt8 = 245
    /// RDB_OPCODE_MODULE_AUX: module data outside any key.
    static let opcodeModuleAux: UInt8 = 247
    /// RDB_OPCODE_IDLE: the next key's LRU idle time in seconds.
    static let opcodeIdle: UInt8 = 248
    /// RDB_OPCODE_FREQ: the next key's LFU counter.
    static let opcodeFreq: UInt8 = 249
    /// RDB_OPCODE_AUX: a name and a value, both strings.
    static let opcodeAux: UInt8 = 250
    /// RDB_OPCODE_RESIZEDB: the database's key and expiry counts, as hints.
    static let opcodeResizeDB: UInt8 = 251
    /// RDB_OPCODE_EXPIRETIME_MS: the next key's deadline, 8 bytes little-endian Unix milliseconds.
    static let opcodeExpireTimeMilliseconds: UInt8 = 252
    /// RDB_OPCODE_EXPIRETIME: the next key's deadline, 4 bytes little-endian Unix seconds.
    static let opcodeExpireTime: UInt8 = 253
    /// RDB_OPCODE_SELECTDB: the database the following keys belong to.
    static let opcodeSelectDB: UInt8 = 254
    /// RDB_OPCODE_EOF.
    static let opcodeEOF: UInt8 = 255

    // MARK: - Value types

    static let typeString: UInt8 = 0
    static let typeList: UInt8 = 1
    static let typeSet: UInt8 = 2
    static let typeZSet: UInt8 = 3
    static let typeHash: UInt8 = 4
    static let typeZSet2: UInt8 = 5
    static let typeModulePreGA: UInt8 = 6
    static let typeModule2: UInt8 = 7
    static let typeHashZipmap: UInt8 = 9
    static let typeListZiplist: UInt8 = 10
    static let typeSetIntset: UInt8 = 11
    static let typeZSetZiplist: UInt8 = 12
    static let typeHashZiplist: UInt8 = 13
    static let typeListQuicklist: UInt8 = 14
    static let typeStreamListpacks: UInt8 = 15
    static let typeHashListpack: UInt8 = 16
    static let typeZSetListpack: UInt8 = 17
    static let typeListQuicklist2: UInt8 = 18
    static let typeStreamListpacks2: UInt8 = 19
    static let typeSetListpack: UInt8 = 20
    static let typeStreamListpacks3: UInt8 = 21

    // MARK: - Lengths and string encodings

    static let length32Bit: UInt8 = 0x80
    static let length64Bit: UInt8 = 0x81
    static let encodingInt8 = 0
    static let encodingInt16 = 1
    static let encodingInt32 = 2
    static let encodingLZF = 3

    /// Quicklist 2 node containers.
    static let quicklistNodePlain = 1
    static let quicklistNodePacked = 2

    /// The oldest and newest RDB versions the decoder reads.
    static let oldestVersion = 1
    static let newestVersion = 11
}
