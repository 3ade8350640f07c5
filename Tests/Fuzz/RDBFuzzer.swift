// libFuzzer target for RDBDecoder: Tests/Fuzz/run Store RDBFuzzer.swift 120
//
// Each input is decoded as an RDB file with checksum verification off (so mutations are not all stopped
// at the CRC). Besides crashes and sanitizer reports, it traps when what decoded does not survive a round
// trip: re-encoded with RDBEncoder and decoded again (checksum on), it must give the same keys.
import Store

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let snapshot: RDBSnapshot
    do {
        snapshot = try RDBDecoder(verifiesChecksum: false).decode(bytes)
    } catch is RDBError {
        return 0
    } catch {
        fatalError("the decoder threw something other than RDBError: \(error)")
    }
    var encoder = RDBEncoder(ctime: 0, keyCount: snapshot.entries.count)
    for entry in snapshot.entries {
        try! encoder.append(key: entry.key, value: entry.value, expiresAt: entry.expiresAt)
    }
    try! encoder.finish()
    let again: RDBSnapshot
    do {
        again = try RDBDecoder().decode(encoder.bytes)
    } catch {
        fatalError("a re-encoded snapshot did not decode: \(error)")
    }
    let before = snapshot.entries.map(describe)
    let after = again.entries.map(describe)
    if before != after { fatalError("the round trip changed the keys: \(before) vs \(after)") }
    return 0
}

/// An entry as text, with sets and hashes sorted (their order is not part of their value).
private func describe(_ entry: RDBEntry) -> String {
    let value: String
    switch entry.value {
    case .string, .integer:
        value = "string \(entry.value.stringBytes!)"
    case .list(let list):
        value = "list \(Array(list))"
    case .set(let set):
        value = "set \(set.members.map(\.bytes).map { "\($0)" }.sorted())"
    case .sortedSet(let sortedSet):
        value = "zset \(sortedSet.entries.map { "\($0.member.bytes)=\($0.score)" })"
    case .hash(let hash):
        value = "hash \(hash.map { "\($0.key.bytes)=\($0.value)" }.sorted())"
    case .stream(let stream):
        value = "stream \(stream.entries.map { "\($0.id)=\($0.fieldsAndValues)" }) last \(stream.lastID)"
    }
    return "\(entry.key.bytes) \(value) \(entry.expiresAt.map(String.init) ?? "-")"
}
