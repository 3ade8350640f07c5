/// A key (or a hash field, or a command name) as the dictionaries hold it: binary-safe bytes.
///
/// Keys up to 23 bytes are stored inline in three words plus a length, so building one from a command's
/// argument to look it up costs no allocation; longer keys live in an array. The representation is
/// canonical (a key of 23 bytes or fewer is always inline), so the synthesized `Hashable` is correct.
public struct StoreKey: Hashable, Sendable {
    @usableFromInline
    enum Storage: Hashable, Sendable {
        case inline(UInt64, UInt64, UInt64, UInt8)
        case heap([UInt8])
    }

    @usableFromInline var storage: Storage

    /// The most bytes kept inline.
    public static let inlineCapacity = 23

    /// A key holding `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.init(bytes, lowercased: false)
    }

    /// A key holding `bytes`, ASCII-lowercased when `lowercased` (command names).
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, lowercased: Bool) {
        let count = bytes.count
        if count > Self.inlineCapacity {
            storage = .heap(lowercased ? bytes.map(Self.lowercase) : Array(bytes))
            return
        }
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { out in
            for index in 0..<count {
                out[index] = lowercased ? Self.lowercase(bytes[index]) : bytes[index]
            }
        }
        storage = .inline(words.0, words.1, words.2, UInt8(count))
    }

    /// A key holding `bytes`.
    public init(_ bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        self = array.withUnsafeBytes { StoreKey($0) }
    }

    /// A key holding the UTF-8 of `string`.
    public init(_ string: String) {
        self.init(Array(string.utf8))
    }

    /// The key's length in bytes.
    @inlinable
    public var count: Int {
        switch storage {
        case .inline(_, _, _, let count): Int(count)
        case .heap(let bytes): bytes.count
        }
    }

    /// Calls `body` with the key's bytes; the pointer is valid only inside `body`.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .inline(let a, let b, let c, let count):
            var words = (a, b, c)
            return try Swift.withUnsafeBytes(of: &words) {
                try body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(count)]))
            }
        case .heap(let bytes):
            return try bytes.withUnsafeBytes(body)
        }
    }

    /// A copy of the key's bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// The key as UTF-8 (invalid sequences repaired), for messages.
    public var string: String { withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }

    @inlinable
    static func lowercase(_ byte: UInt8) -> UInt8 { byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte }
}

extension StoreKey {
    /// Three `Hasher` calls for an inline key, where the synthesized conformance made five (the case, three
    /// words and the length): each call is an out-of-line SipHash step, and every keyspace and hash-field
    /// lookup hashes a key. Consistent with `==`: equal keys have the same storage, and an inline key's
    /// length fits in the top byte of its third word, which its 23 bytes leave free.
    @inlinable
    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .inline(let first, let second, let third, let count):
            hasher.combine(first)
            hasher.combine(second)
            hasher.combine(third | UInt64(count) << 56)
        case .heap(let bytes):
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }
}

extension StoreKey: ExpressibleByStringLiteral {
    /// A key from a literal (command names in the table, tests).
    public init(stringLiteral value: String) { self.init(value) }
}
