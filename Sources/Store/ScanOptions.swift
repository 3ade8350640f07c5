import RESP

/// The arguments of SCAN, HSCAN, SSCAN and ZSCAN (Redis's `scanGenericCommand`): a cursor, then
/// `MATCH pattern`, `COUNT count` and, for SCAN alone, `TYPE type`, in any order.
///
/// SCAN's cursor names a bucket of the keyspace's hash table (see `DenseDictionary.scan`); HSCAN, SSCAN
/// and ZSCAN's are positions in the scanned collection's dense array, which a removal between calls can
/// shift (a member moved from behind the cursor may be missed).
struct ScanOptions {
    /// Where to resume, 0 for the start.
    var cursor: Int
    /// Only elements whose name matches this glob, when set.
    var pattern: [UInt8]?
    /// How many elements to visit in this call (a hint, as in Redis).
    var count = 10
    /// SCAN's TYPE filter, lower-cased.
    var type: String?

    /// The options of `request`, whose cursor is argument `cursorIndex`; nil after an error reply.
    static func parse(_ request: inout CommandRequest, cursorIndex: Int, allowsType: Bool) -> ScanOptions? {
        guard let cursor = UInt64(request.string(at: cursorIndex)) else {
            request.replyError("ERR invalid cursor")
            return nil
        }
        var options = ScanOptions(cursor: Int(clamping: cursor))
        var index = cursorIndex + 1
        while index < request.count {
            guard index + 1 < request.count else {
                request.replySyntaxError()
                return nil
            }
            if request.argument(index, is: "MATCH") {
                let pattern = request.bytes(at: index + 1)
                options.pattern = pattern == [UInt8(ascii: "*")] ? nil : pattern
            } else if request.argument(index, is: "COUNT") {
                guard let value = request.integer(at: index + 1) else { return nil }
                guard value >= 1 else {
                    request.replySyntaxError()
                    return nil
                }
                options.count = value
            } else if allowsType && request.argument(index, is: "TYPE") {
                options.type = request.string(at: index + 1).lowercased()
            } else {
                request.replySyntaxError()
                return nil
            }
            index += 2
        }
        return options
    }

    /// Whether `name` passes the MATCH filter.
    func matches(_ name: StoreKey) -> Bool {
        guard let pattern else { return true }
        return pattern.withUnsafeBytes { p in name.withUnsafeBytes { GlobPattern.matches(p, $0) } }
    }
}

extension CommandRequest {
    /// A SCAN-family reply: `[next cursor, [element, ...]]`, elements as bulk strings in every protocol.
    mutating func replyScan(next: Int, elements: [[UInt8]]) {
        reply.writeRESPArrayHeader(2)
        replyBulk(String(next))
        reply.writeRESPArrayHeader(elements.count)
        for element in elements { reply.writeRESPBulkString(element) }
    }
}
