import CShims
import HTTP

/// Bearer tokens: making session tokens, reading `Authorization: Bearer <token>`, comparing secrets.
enum BearerToken {
    /// Random bytes in a session token: 256 bits, beyond guessing.
    static let byteCount = 32

    /// A new session token: `byteCount` bytes from getrandom(2) as lowercase hex (64 characters). Traps if
    /// the kernel cannot give randomness (it always can once booted; a token from anything weaker would be
    /// worse than stopping).
    static func newSessionToken() -> String {
        var bytes = [UInt8](repeating: 0, count: byteCount)
        let result = bytes.withUnsafeMutableBytes { cshim_getrandom($0.baseAddress, $0.count) }
        precondition(result == 0, "getrandom failed")
        return hex(bytes)
    }

    /// `bytes` as lowercase hex.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether `token` has the shape of a session token (64 lowercase hex digits), so that nothing else is
    /// ever looked up in the store.
    static func isSessionToken(_ token: String) -> Bool {
        let utf8 = token.utf8
        return utf8.count == byteCount * 2
            && utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The token of `Authorization: Bearer <token>` (the scheme in any case), or nil when the header is
    /// absent, of another scheme, or empty.
    static func of(_ request: HTTPRequest) -> String? {
        guard let header = request.headers.first(name: "Authorization") else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : String(token)
    }

    /// Whether `a` and `b` are the same bytes, in a time that depends only on their lengths (never on
    /// where they first differ), so a client cannot find a secret byte by byte by timing answers.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        let length = max(left.count, right.count)
        var difference = UInt(bitPattern: left.count ^ right.count)
        for index in 0..<length {
            let x = index < left.count ? left[index] : 0
            let y = index < right.count ? right[index] : 0
            difference |= UInt(x ^ y)
        }
        return difference == 0
    }
}
