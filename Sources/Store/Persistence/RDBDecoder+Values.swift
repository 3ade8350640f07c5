// MARK: - Values by type

extension RDBDecoder {
    /// Reads a value of `type` (the byte at `typeOffset`); nil for an empty aggregate, which Redis skips.
    static func readValue(type: UInt8, at typeOffset: Int, _ reader: inout RDBReader) throws -> StoreValue? {
        switch type {
        case RDBConstant.typeString:
            return StoreValue.makeString(try reader.readString())
        case RDBConstant.typeList:
            let count = try reader.readLength()
            var list = StoreList()
            for _ in 0..<count { list.append(try reader.readString()) }
            return list.isEmpty ? nil : .list(list)
        case RDBConstant.typeSet:
            let count = try reader.readLength()
            var set = StoreSet()
            for _ in 0..<count { try insert(try reader.readString(), into: &set, reader) }
            return set.isEmpty ? nil : .set(set)
        case RDBConstant.typeZSet, RDBConstant.typeZSet2:
            let count = try reader.readLength()
            var entries: [StoreSortedSet.Entry] = []
            entries.reserveCapacity(min(count, reader.remaining))
            for _ in 0..<count {
                let member = try reader.readString()
                let score = type == RDBConstant.typeZSet ? try reader.readStringDouble() : try reader.readBinaryDouble()
                entries.append(try entry(member, score, reader))
            }
            return try sortedSet(entries, reader)
        case RDBConstant.typeHash:
            let count = try reader.readLength()
            var hash: [StoreKey: [UInt8]] = [:]
            hash.reserveCapacity(min(count, reader.remaining / 2))
            for _ in 0..<count {
                let field = try reader.readString()
                try insert(field, try reader.readString(), into: &hash, reader)
            }
            return hash.isEmpty ? nil : .hash(hash)
        case RDBConstant.typeHashZipmap:
            return try hash(fromPairs: try parseBlob(&reader, zipmapElements), reader)
        case RDBConstant.typeListZiplist:
            return list(try parseBlob(&reader, ziplistElements))
        case RDBConstant.typeSetIntset:
            return try set(try parseBlob(&reader, intsetElements), reader)
        case RDBConstant.typeZSetZiplist:
            return try sortedSet(fromPairs: try parseBlob(&reader, ziplistElements), reader)
        case RDBConstant.typeHashZiplist:
            return try hash(fromPairs: try parseBlob(&reader, ziplistElements), reader)
        case RDBConstant.typeHashListpack:
            return try hash(fromPairs: try parseBlob(&reader, listpackElements), reader)
        case RDBConstant.typeZSetListpack:
            return try sortedSet(fromPairs: try parseBlob(&reader, listpackElements), reader)
        case RDBConstant.typeSetListpack:
            return try set(try parseBlob(&reader, listpackElements), reader)
        case RDBConstant.typeListQuicklist:
            let nodes = try reader.readLength()
            var elements: [[UInt8]] = []
            for _ in 0..<nodes {
                elements.append(contentsOf: try parseBlob(&reader, ziplistElements))
            }
            return list(elements)
        case RDBConstant.typeListQuicklist2:
            let nodes = try reader.readLength()
            var elements: [[UInt8]] = []
            for _ in 0..<nodes {
                let container = try reader.readLength()
                switch container {
                case RDBConstant.quicklistNodePlain:
                    elements.append(try reader.readString())
                case RDBConstant.quicklistNodePacked:
                    elements.append(contentsOf: try parseBlob(&reader, listpackElements))
                default:
                    throw reader.error(.malformed, "unknown quicklist node container \(container)")
                }
            }
            return list(elements)
        case RDBConstant.typeStreamListpacks, RDBConstant.typeStreamListpacks2, RDBConstant.typeStreamListpacks3:
            return try readStream(type: type, &reader)
        case RDBConstant.typeModulePreGA, RDBConstant.typeModule2:
            throw RDBError(.unsupported, "module keys (RDB type \(type)) are not supported", at: typeOffset)
        default:
            throw RDBError(.malformed, "unknown RDB value type \(type)", at: typeOffset)
        }
    }

    // MARK: - Building values

    private static func list(_ elements: [[UInt8]]) -> StoreValue? {
        elements.isEmpty ? nil : .list(StoreList(elements))
    }

    private static func set(_ members: [[UInt8]], _ reader: RDBReader) throws -> StoreValue? {
        var set = StoreSet()
        for member in members { try insert(member, into: &set, reader) }
        return set.isEmpty ? nil : .set(set)
    }

    private static func insert(_ member: [UInt8], into set: inout StoreSet, _ reader: RDBReader) throws {
        guard set.insert(member.withUnsafeBytes { StoreKey($0) }) else {
            throw reader.error(.malformed, "duplicate set member")
        }
    }

    private static func hash(fromPairs elements: [[UInt8]], _ reader: RDBReader) throws -> StoreValue? {
        guard elements.count % 2 == 0 else { throw reader.error(.malformed, "hash with an odd number of elements") }
        var hash: [StoreKey: [UInt8]] = [:]
        hash.reserveCapacity(elements.count / 2)
        for index in stride(from: 0, to: elements.count, by: 2) {
            try insert(elements[index], elements[index + 1], into: &hash, reader)
        }
        return hash.isEmpty ? nil : .hash(hash)
    }

    private static func insert(
        _ field: [UInt8], _ value: [UInt8], into hash: inout [StoreKey: [UInt8]], _ reader: RDBReader
    ) throws {
        guard hash.updateValue(value, forKey: field.withUnsafeBytes { StoreKey($0) }) == nil else {
            throw reader.error(.malformed, "duplicate hash field")
        }
    }

    private static func sortedSet(fromPairs elements: [[UInt8]], _ reader: RDBReader) throws -> StoreValue? {
        guard elements.count % 2 == 0 else {
            throw reader.error(.malformed, "sorted set with an odd number of elements")
        }
        var entries: [StoreSortedSet.Entry] = []
        entries.reserveCapacity(elements.count / 2)
        for index in stride(from: 0, to: elements.count, by: 2) {
            guard let score = StoreArguments.parseDouble(elements[index + 1]) else {
                throw reader.error(.malformed, "invalid sorted set score")
            }
            entries.append(try entry(elements[index], score, reader))
        }
        return try sortedSet(entries, reader)
    }

    private static func entry(_ member: [UInt8], _ score: Double, _ reader: RDBReader) throws -> StoreSortedSet.Entry {
        guard !score.isNaN else { throw reader.error(.malformed, "sorted set with a NaN score") }
        return StoreSortedSet.Entry(score: score, member: member.withUnsafeBytes { StoreKey($0) })
    }

    /// Inserts in ascending order, so each insert lands at the end (Redis writes ZSET_2 descending, and
    /// inserting that order would shift the whole array every time).
    private static func sortedSet(_ entries: [StoreSortedSet.Entry], _ reader: RDBReader) throws -> StoreValue? {
        guard !entries.isEmpty else { return nil }
        var sortedSet = StoreSortedSet()
        for entry in entries.sorted(by: StoreSortedSet.precedes) {
            guard sortedSet.set(entry.member, score: entry.score) else {
                throw reader.error(.malformed, "duplicate sorted set member")
            }
        }
        return .sortedSet(sortedSet)
    }
}
