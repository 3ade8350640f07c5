#if canImport(Glibc)
    import Glibc
#endif

/// A growable byte buffer with separate reader and writer indices, the currency of every codec.
///
/// Bytes in `readerIndex..<writerIndex` are readable; bytes past `writerIndex` are spare capacity that
/// socket reads fill in place (`writeWithUnsafeMutableBytes`). Value semantics (copy-on-write through
/// the underlying array); not thread-safe, like any value: confine a buffer to one thread at a time.
public struct ByteBuffer: Sendable {
    /// Backing store; its `count` is the capacity. Only `readerIndex..<writerIndex` is meaningful.
    @usableFromInline var storage: [UInt8]
    /// Index of the first readable byte.
    @usableFromInline var _readerIndex: Int
    /// Index one past the last readable byte.
    @usableFromInline var _writerIndex: Int

    /// Index (into the storage) of the first readable byte.
    @inlinable public var readerIndex: Int { _readerIndex }
    /// Index (into the storage) one past the last readable byte.
    @inlinable public var writerIndex: Int { _writerIndex }

    /// An empty buffer with room for `capacity` bytes before it grows.
    public init(capacity: Int = 0) {
        storage = capacity > 0 ? ByteBuffer.makeStorage(capacity: capacity, copying: []) : []
        _readerIndex = 0
        _writerIndex = 0
    }

    /// A buffer whose readable bytes are `bytes`.
    public init<S: Sequence>(bytes: S) where S.Element == UInt8 {
        storage = Array(bytes)
        _readerIndex = 0
        _writerIndex = storage.count
    }

    /// A buffer whose readable bytes are the UTF-8 of `string`.
    public init(string: String) {
        self.init(bytes: string.utf8)
    }

    /// How many bytes can be read.
    @inlinable public var readableBytes: Int { writerIndex - readerIndex }

    /// Whether no bytes can be read.
    @inlinable public var isEmpty: Bool { writerIndex == readerIndex }

    /// How many bytes fit before the storage must grow or compact.
    @inlinable public var writableBytes: Int { storage.count - writerIndex }

    /// Total size of the storage.
    @inlinable public var capacity: Int { storage.count }

    /// A copy of the readable bytes.
    public var readableBytesArray: [UInt8] { Array(storage[readerIndex..<writerIndex]) }

    /// The readable bytes as a slice of the storage (no copy until mutated).
    @inlinable public var readableView: ArraySlice<UInt8> { storage[readerIndex..<writerIndex] }

    // MARK: - Reading

    /// Calls `body` with the readable bytes. The pointer is valid only inside `body`.
    @inlinable
    public func withUnsafeReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[readerIndex..<writerIndex]))
        }
    }

    /// Calls `body` with the bytes at storage indices `range`, consumed ones included (a replica passing
    /// on verbatim the commands it just decoded). `range` must lie below `writerIndex`.
    public func withUnsafeBytes<R>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= writerIndex, "range outside the written bytes")
        return try storage.withUnsafeBytes { raw in try body(UnsafeRawBufferPointer(rebasing: raw[range])) }
    }

    /// Marks `count` readable bytes as consumed.
    @inlinable
    public mutating func moveReaderIndex(forwardBy count: Int) {
        precondition(count >= 0 && count <= readableBytes, "moveReaderIndex beyond readable bytes")
        _readerIndex += count
        if readerIndex == writerIndex {
            // Everything consumed: start over at the front so the buffer never creeps.
            _readerIndex = 0
            _writerIndex = 0
        }
    }

    /// The readable byte at `offset` from the reader index, or nil past the end.
    @inlinable
    public func byte(at offset: Int) -> UInt8? {
        let index = readerIndex + offset
        return index < writerIndex && offset >= 0 ? storage[index] : nil
    }

    /// Reads one byte, or nil when empty.
    @inlinable
    public mutating func readByte() -> UInt8? {
        guard readerIndex < writerIndex else { return nil }
        let value = storage[readerIndex]
        moveReaderIndex(forwardBy: 1)
        return value
    }

    /// Reads `length` bytes, or nil (consuming nothing) if fewer are readable.
    public mutating func readBytes(length: Int) -> [UInt8]? {
        guard length >= 0, length <= readableBytes else { return nil }
        let bytes = Array(storage[readerIndex..<readerIndex + length])
        moveReaderIndex(forwardBy: length)
        return bytes
    }

    /// Reads `length` bytes as UTF-8 (invalid sequences repaired), or nil if fewer are readable.
    public mutating func readString(length: Int) -> String? {
        guard length >= 0, length <= readableBytes else { return nil }
        let string = String(decoding: storage[readerIndex..<readerIndex + length], as: UTF8.self)
        moveReaderIndex(forwardBy: length)
        return string
    }

    /// Reads `length` bytes into a new buffer, or nil if fewer are readable.
    public mutating func readSlice(length: Int) -> ByteBuffer? {
        guard length >= 0, length <= readableBytes else { return nil }
        let slice = ByteBuffer(bytes: storage[readerIndex..<readerIndex + length])
        moveReaderIndex(forwardBy: length)
        return slice
    }

    /// Offset (from the reader index) of the first `byte` at or after `offset`, or nil.
    @inlinable
    public func firstIndex(of byte: UInt8, from offset: Int = 0) -> Int? {
        var index = readerIndex + offset
        while index < writerIndex {
            if storage[index] == byte { return index - readerIndex }
            index += 1
        }
        return nil
    }

    // MARK: - Writing

    /// Makes room for at least `count` more bytes, compacting before growing.
    @inlinable
    public mutating func reserveWritable(_ count: Int) {
        if writableBytes >= count { return }
        growOrCompact(count)
    }

    @usableFromInline
    mutating func growOrCompact(_ count: Int) {
        let readable = readableBytes
        if readerIndex > 0 && readable + count <= storage.count && readerIndex >= readable {
            // Cheap compaction: the live bytes are fewer than the dead prefix, so one copy frees enough room.
            discardReadBytes()
            return
        }
        let needed = writerIndex + count
        var newCapacity = Swift.max(storage.count * 2, 64)
        while newCapacity < needed { newCapacity *= 2 }
        storage = ByteBuffer.makeStorage(capacity: newCapacity, copying: storage)
    }

    /// A zero-filled array of `capacity` bytes that starts with the bytes of `old`.
    ///
    /// Built with two memory operations rather than `append(contentsOf: repeatElement(0, ...))`, which fills the
    /// new space one element at a time (unspecialised, byte by byte, in debug builds: a 1 MiB body took
    /// ~190 ms to receive) and may reallocate on its own schedule rather than once.
    private static func makeStorage(capacity: Int, copying old: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            let kept = old.withUnsafeBytes { source in
                if let start = source.baseAddress { base.copyMemory(from: start, byteCount: source.count) }
                return source.count
            }
            memset(base + kept, 0, capacity - kept)
            initialized = capacity
        }
    }

    /// Drops consumed bytes from the front of the storage.
    public mutating func discardReadBytes() {
        guard readerIndex > 0 else { return }
        let readable = readableBytes
        let from = readerIndex
        storage.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress!
            base.copyMemory(from: base + from, byteCount: readable)
        }
        _readerIndex = 0
        _writerIndex = readable
    }

    /// Empties the buffer, keeping its capacity.
    @inlinable
    public mutating func clear() {
        _readerIndex = 0
        _writerIndex = 0
    }

    /// Lets `body` write into at least `minimumWritableBytes` of spare capacity; `body` returns how many it wrote.
    @inlinable
    @discardableResult
    public mutating func writeWithUnsafeMutableBytes(
        minimumWritableBytes: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows -> Int {
        reserveWritable(minimumWritableBytes)
        let start = writerIndex
        let written = try storage.withUnsafeMutableBytes { raw in
            try body(UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
        }
        precondition(written >= 0 && written <= storage.count - start, "wrote more than the spare capacity")
        _writerIndex += written
        return written
    }

    /// Appends one byte.
    @inlinable
    public mutating func writeByte(_ byte: UInt8) {
        reserveWritable(1)
        storage[writerIndex] = byte
        _writerIndex += 1
    }

    /// Appends raw bytes.
    @inlinable
    public mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        reserveWritable(bytes.count)
        let start = writerIndex
        storage.withUnsafeMutableBytes { raw in
            (raw.baseAddress! + start).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
        _writerIndex += bytes.count
    }

    /// Appends a sequence of bytes.
    @inlinable
    public mutating func writeBytes<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { writeBytes(UnsafeRawBufferPointer($0)) }
        if done == nil {
            for byte in bytes { writeByte(byte) }
        }
    }

    /// Appends the readable bytes of another buffer.
    @inlinable
    public mutating func writeBuffer(_ other: ByteBuffer) {
        other.withUnsafeReadableBytes { writeBytes($0) }
    }

    /// Appends the UTF-8 of `string`.
    @inlinable
    public mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { writeBytes(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `value` in decimal ASCII, without allocating.
    @inlinable
    public mutating func writeDecimal(_ value: Int) {
        if value == 0 {
            writeByte(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            while magnitude > 0 {
                scratch[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            if value < 0 {
                scratch[23 - count] = UInt8(ascii: "-")
                count += 1
            }
            writeBytes(UnsafeRawBufferPointer(rebasing: scratch[(24 - count)...]))
        }
    }
}

extension ByteBuffer: Equatable {
    /// Buffers are equal when their readable bytes are.
    public static func == (lhs: ByteBuffer, rhs: ByteBuffer) -> Bool {
        lhs.readableView.elementsEqual(rhs.readableView)
    }
}

extension ByteBuffer: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self.init(string: value)
    }
}

extension ByteBuffer: CustomStringConvertible {
    /// The readable bytes as UTF-8, for tests and logs.
    public var description: String { String(decoding: readableView, as: UTF8.self) }
}
