import Store

/// A canonical text of a value for comparisons: sets and hashes sorted, integers and strings alike.
func canonical(_ value: StoreValue) -> String {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self).debugDescription }
    switch value {
    case .string, .inlineString, .integer:
        return "string " + text(value.stringBytes!)
    case .list(let list):
        return "list " + list.map(text).joined(separator: ",")
    case .set(let set):
        return "set " + set.members.map { text($0.bytes) }.sorted().joined(separator: ",")
    case .sortedSet(let sortedSet):
        return "zset " + sortedSet.entries.map { "\(text($0.member.bytes))=\($0.score)" }.joined(separator: ",")
    case .hash(let hash):
        return "hash " + hash.map { "\(text($0.key.bytes))=\(text($0.value))" }.sorted().joined(separator: ",")
    case .stream(let stream):
        return "stream "
            + stream.entries.map { "\($0.id)=" + $0.fieldsAndValues.map(text).joined(separator: "/") }
            .joined(separator: ",") + " last \(stream.lastID)"
    }
}

/// Every entry as `key -> canonical value @ deadline`, sorted by key.
func canonical(_ entries: [RDBEntry]) -> [String] {
    entries.map {
        "\(String(decoding: $0.key.bytes, as: UTF8.self).debugDescription) -> \(canonical($0.value)) @ \($0.expiresAt.map(String.init) ?? "-")"
    }
    .sorted()
}

/// A keyspace with every type, integers, a binary key, big compressible and incompressible strings,
/// and deadlines on some keys.
func sampleEntries() -> [RDBEntry] {
    var generator = SystemRandomNumberGenerator()
    let noise = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    var sortedSet = StoreSortedSet()
    sortedSet.set("a", score: 1.5)
    sortedSet.set("b", score: -.infinity)
    sortedSet.set("c", score: .infinity)
    sortedSet.set("d", score: 0.1)
    sortedSet.set(StoreKey(String(repeating: "m", count: 40)), score: 3)
    var bigZSet = StoreSortedSet()
    for index in 0..<300 { bigZSet.set(StoreKey("member:\(index)"), score: Double(index) / 7) }
    var hash: [StoreKey: [UInt8]] = ["f1": Array("v1".utf8), "n": Array("12345".utf8)]
    hash[StoreKey([0, 255, 10])] = noise
    var bigHash: [StoreKey: [UInt8]] = [:]
    for index in 0..<600 { bigHash[StoreKey("field:\(index)")] = Array("value:\(index)".utf8) }
    return [
        RDBEntry(key: "plain", value: .string(Array("hello".utf8)), expiresAt: nil),
        RDBEntry(key: "empty", value: .string([]), expiresAt: nil),
        RDBEntry(key: "small", value: .integer(-7), expiresAt: nil),
        RDBEntry(key: "int16", value: .integer(30_000), expiresAt: nil),
        RDBEntry(key: "int32", value: .integer(-2_000_000_000), expiresAt: 1_900_000_000_123),
        RDBEntry(key: "int64", value: .integer(Int.max), expiresAt: nil),
        RDBEntry(key: "int64min", value: .integer(Int.min), expiresAt: nil),
        RDBEntry(key: "digits", value: .string(Array("007".utf8)), expiresAt: nil),
        RDBEntry(key: StoreKey([0, 1, 2, 255, 13, 10]), value: .string([0, 0, 0]), expiresAt: nil),
        RDBEntry(
            key: "compressible", value: .string(Array(String(repeating: "abcdefgh", count: 500).utf8)),
            expiresAt: 1_900_000_000_000),
        RDBEntry(key: "noise", value: .string(noise), expiresAt: nil),
        RDBEntry(
            key: StoreKey(String(repeating: "k", count: 100)), value: .string(Array("long key".utf8)),
            expiresAt: nil),
        RDBEntry(
            key: "list", value: .list(StoreList(["a", "1", "-5", "", "b"].map { Array($0.utf8) })),
            expiresAt: 1_800_000_000_000),
        RDBEntry(
            key: "biglist", value: .list(StoreList((0..<1000).map { Array("item-\($0)".utf8) })),
            expiresAt: nil),
        RDBEntry(
            key: "intset", value: .set(StoreSet(["1", "2", "-3", "100000", "9999999999"].map { StoreKey($0) })),
            expiresAt: nil),
        RDBEntry(
            key: "set", value: .set(StoreSet(["x", "y", String(repeating: "z", count: 50)].map { StoreKey($0) })),
            expiresAt: 1_700_000_000_000),
        RDBEntry(key: "zset", value: .sortedSet(sortedSet), expiresAt: nil),
        RDBEntry(key: "bigzset", value: .sortedSet(bigZSet), expiresAt: nil),
        RDBEntry(key: "hash", value: .hash(hash), expiresAt: 1_750_000_000_000),
        RDBEntry(key: "bighash", value: .hash(bigHash), expiresAt: nil),
    ]
}

/// `entries` encoded as one file.
func encode(_ entries: [RDBEntry], ctime: Int64 = 1_700_000_000) -> [UInt8] {
    var encoder = RDBEncoder(
        ctime: ctime, keyCount: entries.count, expiringKeyCount: entries.filter { $0.expiresAt != nil }.count)
    for entry in entries { try! encoder.append(key: entry.key, value: entry.value, expiresAt: entry.expiresAt) }
    try! encoder.finish()
    return encoder.bytes
}
