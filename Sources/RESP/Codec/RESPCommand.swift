/// One client command: its arguments, the command name first, as binary-safe byte strings.
///
/// All arguments live in one contiguous byte array with their boundaries in a second array, both shared
/// with the `RESPCommandBatch` the command was decoded into: taking a command out of a batch costs two
/// retains, not an allocation per argument. Arguments are read as `ArraySlice<UInt8>` (no copy), through
/// a raw pointer, or copied out with `bytes(at:)` when the store keeps them.
public struct RESPCommand: Sendable {
    /// Argument bytes, back to back (possibly of several commands).
    @usableFromInline let storage: [UInt8]
    /// Argument boundaries in `storage`: argument `i` is `bounds[base + i]..<bounds[base + i + 1]`.
    @usableFromInline let bounds: [Int]
    /// Index in `bounds` of this command's first boundary.
    @usableFromInline let base: Int
    /// How many arguments, the command name included.
    public let count: Int

    @inlinable
    init(storage: [UInt8], bounds: [Int], base: Int, count: Int) {
        self.storage = storage
        self.bounds = bounds
        self.base = base
        self.count = count
    }

    /// A command with the given arguments (for clients and tests; the decoder builds commands directly).
    public init(_ arguments: [[UInt8]]) {
        var storage: [UInt8] = []
        var bounds = [0]
        for argument in arguments {
            storage.append(contentsOf: argument)
            bounds.append(storage.count)
        }
        self.init(storage: storage, bounds: bounds, base: 0, count: arguments.count)
    }

    /// A command whose arguments are the UTF-8 of `arguments`.
    public init(_ arguments: [String]) {
        self.init(arguments.map { Array($0.utf8) })
    }

    /// Argument `index` (0 is the command name) as a slice of the shared storage, without copying.
    @inlinable
    public subscript(index: Int) -> ArraySlice<UInt8> {
        precondition(index >= 0 && index < count, "argument index out of range")
        return storage[bounds[base + index]..<bounds[base + index + 1]]
    }

    /// The length in bytes of argument `index`.
    @inlinable
    public func length(at index: Int) -> Int {
        precondition(index >= 0 && index < count, "argument index out of range")
        return bounds[base + index + 1] - bounds[base + index]
    }

    /// Calls `body` with the bytes of argument `index`; the pointer is valid only inside `body`.
    @inlinable
    public func withUnsafeBytes<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < count, "argument index out of range")
        let start = bounds[base + index]
        let end = bounds[base + index + 1]
        return try storage.withUnsafeBytes { raw in try body(UnsafeRawBufferPointer(rebasing: raw[start..<end])) }
    }

    /// A copy of argument `index`, for a store that keeps it.
    @inlinable
    public func bytes(at index: Int) -> [UInt8] { Array(self[index]) }

    /// Argument `index` decoded as UTF-8 (invalid sequences repaired), for messages and slow paths.
    public func string(at index: Int) -> String { String(decoding: self[index], as: UTF8.self) }

    /// Argument `index` as an integer under Redis's rules (`string2ll`: no sign `+`, no leading zeros, no
    /// spaces), or nil.
    /// `bytes` as an integer under Redis's `string2ll` rules (optional `-`, no `+`, no leading zeros,
    /// no spaces, no overflow): what Redis accepts as an integer argument, and nothing more.
    public static func parseInteger(_ bytes: UnsafeRawBufferPointer) -> Int? {
        RESPScanning.parseInteger(bytes, from: 0, to: bytes.count)
    }

    public func integer(at index: Int) -> Int? {
        withUnsafeBytes(at: index) { RESPScanning.parseInteger($0, from: 0, to: $0.count) }
    }

    /// Whether argument `index` equals `literal` ignoring ASCII case: the command-table comparison.
    @inlinable
    public func argument(_ index: Int, equalsCaseInsensitive literal: StaticString) -> Bool {
        // withUTF8Buffer, not utf8Start: a one-character literal may be stored as a scalar, not a pointer.
        literal.withUTF8Buffer { other in
            guard other.count == length(at: index) else { return false }
            return withUnsafeBytes(at: index) { bytes in
                for offset in 0..<other.count where Self.lowercased(bytes[offset]) != Self.lowercased(other[offset]) {
                    return false
                }
                return true
            }
        }
    }

    /// Whether the command name equals `literal` ignoring ASCII case.
    @inlinable
    public func isNamed(_ literal: StaticString) -> Bool {
        count > 0 && argument(0, equalsCaseInsensitive: literal)
    }

    /// The command name lower-cased, for a table lookup keyed by name.
    public var lowercasedName: [UInt8] {
        guard count > 0 else { return [] }
        return self[0].map(Self.lowercased)
    }

    /// Copies of every argument (allocates once per argument: for tests and slow paths).
    public var arguments: [[UInt8]] { (0..<count).map { bytes(at: $0) } }

    @inlinable
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }
}

extension RESPCommand: RandomAccessCollection {
    /// Always 0.
    @inlinable public var startIndex: Int { 0 }
    /// The argument count.
    @inlinable public var endIndex: Int { count }
}

extension RESPCommand: Equatable {
    /// Commands are equal when their arguments are.
    public static func == (lhs: RESPCommand, rhs: RESPCommand) -> Bool {
        lhs.count == rhs.count && (0..<lhs.count).allSatisfy { lhs[$0] == rhs[$0] }
    }
}

extension RESPCommand: CustomStringConvertible {
    /// The arguments as UTF-8, space-separated, for logs and test failures.
    public var description: String { (0..<count).map { string(at: $0) }.joined(separator: " ") }
}
