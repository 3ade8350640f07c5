/// Commands decoded from one read, stored in three reusable arrays: the arguments' bytes back to back,
/// their boundaries, and where each command starts.
///
/// This is the pipelining fast path: `RESPCommandDecoder.decode(_:into:maxCount:)` appends every complete
/// command of a buffer here, and after `removeAll()` the next read reuses the capacity, so decoding costs
/// no allocation at all in the steady state. Taking `batch[i]` costs two retains; a command kept past
/// the next `removeAll()` stays valid (copy-on-write) but makes that call copy, so copy out what you keep.
/// A value confined to one connection's thread.
public struct RESPCommandBatch: Sendable {
    /// Argument bytes of every command, back to back.
    @usableFromInline var storage: [UInt8] = []
    /// Argument boundaries: each command contributes its start, then the end of each argument.
    @usableFromInline var bounds: [Int] = []
    /// Index in `bounds` of each command's first boundary.
    @usableFromInline var starts: [Int] = []

    /// An empty batch.
    public init() {}

    /// Empties the batch, keeping its capacity for the next read.
    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
    }

    // MARK: - Building (decoder only)

    /// Where the batch ends, to roll back a command that turned out malformed.
    struct Mark {
        var storage: Int
        var bounds: Int
        var starts: Int
    }

    var mark: Mark { Mark(storage: storage.count, bounds: bounds.count, starts: starts.count) }

    mutating func rollBack(to mark: Mark) {
        storage.removeSubrange(mark.storage...)
        bounds.removeSubrange(mark.bounds...)
        starts.removeSubrange(mark.starts...)
    }

    /// Opens a new command; its arguments follow.
    mutating func beginCommand() {
        starts.append(bounds.count)
        bounds.append(storage.count)
    }

    /// Appends one argument copied from `bytes[start..<end]` to the open command.
    mutating func appendArgument(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        if end > start {
            let typed = (bytes.baseAddress! + start).assumingMemoryBound(to: UInt8.self)
            storage.append(contentsOf: UnsafeBufferPointer(start: typed, count: end - start))
        }
        bounds.append(storage.count)
    }

    /// Appends one byte to the argument being built by `endArgument()` (inline commands, which unescape).
    mutating func appendByte(_ byte: UInt8) { storage.append(byte) }

    /// Closes the argument built with `appendByte(_:)`.
    mutating func endArgument() { bounds.append(storage.count) }
}

extension RESPCommandBatch: RandomAccessCollection {
    /// Always 0.
    @inlinable public var startIndex: Int { 0 }
    /// The number of commands.
    @inlinable public var endIndex: Int { starts.count }

    /// Command `index`, sharing the batch's storage.
    @inlinable
    public subscript(index: Int) -> RESPCommand {
        let base = starts[index]
        let next = index + 1 < starts.count ? starts[index + 1] : bounds.count
        return RESPCommand(storage: storage, bounds: bounds, base: base, count: next - base - 1)
    }
}
