import CShims
import JSON

/// Passwords: what the API accepts, and hashing them with the system's libcrypt (yescrypt).
///
/// Hashing and checking are slow on purpose (tens of milliseconds) and block the calling thread: call
/// them only from `PasswordHasher`'s workers, never from a loop that serves requests. A password is never
/// logged and never stored: only its hash is, at `password:{email}`.
enum Password {
    /// The fewest characters a password may have.
    static let minimumLength = 8
    /// The most: yescrypt takes any length, but a megabyte passphrase is a way to burn our CPU.
    static let maximumLength = 256
    /// What a 422 says about a password that is not accepted.
    static let expectation = "must be a text of \(minimumLength) to \(maximumLength) characters"

    /// The password in `value` when it is a string of `minimumLength` to `maximumLength` characters with
    /// no NUL (C strings would cut it there); else nil.
    static func accepted(_ value: JSONValue) -> String? {
        guard let text = value.stringValue else { return nil }
        guard (minimumLength...maximumLength).contains(text.count), !text.utf8.contains(0) else { return nil }
        return text
    }

    /// The crypt(5) hash of `password` (`$y$...`, a fresh salt each time), or nil when libcrypt fails.
    /// Slow and blocking: worker threads only.
    static func hash(_ password: String) -> String? {
        var output = [CChar](repeating: 0, count: Int(CSHIM_CRYPT_OUTPUT_SIZE))
        let result = password.withCString { cshim_crypt_hash($0, &output, output.count) }
        guard result == 0 else { return nil }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches `hash` (false for a malformed hash). Slow and blocking: worker threads only.
    static func verify(_ password: String, hash: String) -> Bool {
        password.withCString { phrase in hash.withCString { cshim_crypt_check(phrase, $0) == 1 } }
    }
}
