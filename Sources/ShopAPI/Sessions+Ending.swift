import RESP

/// Ending a user's sessions in the same MULTI..EXEC as the change that ends them (a new password, a deletion).
/// Pure.
///
/// The writer WATCHes `sessions:{email}` and reads it with `SMEMBERS`: a log-in that adds a token in between
/// makes the EXEC fail and the write start over, so no session opened before the change survives it.
extension Sessions {
    /// The tokens of an `SMEMBERS` reply (none for anything else).
    static func tokens(_ members: RESPValue) -> [String] {
        switch members {
        case .array(let values), .set(let values):
            return values.compactMap { value in
                guard case .bulkString(let bytes) = value else { return nil }
                return String(decoding: bytes, as: UTF8.self)
            }
        default: return []
        }
    }

    /// The writes that end every session of `email` listed in `members` but `kept` (the caller's own, on a
    /// password change; nil ends them all and deletes the set).
    static func endingWrites(email: String, members: RESPValue, keeping kept: String?) -> [[String]] {
        let ended = tokens(members).filter { $0 != kept }
        let setKey = setKey(email: email)
        guard kept != nil else { return [["DEL", setKey] + ended.map { key(token: $0) }] }
        guard !ended.isEmpty else { return [] }
        return [["DEL"] + ended.map { key(token: $0) }, ["SREM", setKey] + ended]
    }
}
