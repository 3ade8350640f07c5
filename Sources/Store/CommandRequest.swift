import Core
import RESP

/// One command being executed: its arguments, the client that sent it, and the reply buffer.
///
/// The reply buffer is the connection's own output buffer, swapped in for the duration of a batch, so a
/// handler writes straight into what the socket will send. Confined to the keyspace's thread.
public struct CommandRequest {
    /// The arguments, the command name first.
    public var command: RESPCommand
    /// The client that sent it.
    public let client: ClientSession
    /// Where the reply goes.
    public var reply: ByteBuffer
    /// What a write command propagates to the AOF and the replicas instead of itself, when it is not
    /// deterministic (SPOP propagates SREM of what it popped); nil: the executor decides.
    public var propagation: [RESPCommand]?

    /// A request for `command` from `client`, replying into `reply`.
    public init(command: RESPCommand, client: ClientSession, reply: ByteBuffer = ByteBuffer()) {
        self.command = command
        self.client = client
        self.reply = reply
    }

    /// The number of arguments, the name included.
    @inlinable public var count: Int { command.count }

    /// The client's protocol.
    public var protocolVersion: RESPProtocolVersion { client.protocolVersion }

    /// Argument `index` as a key, without allocating for keys of 23 bytes or fewer.
    @inlinable
    public func key(at index: Int) -> StoreKey { command.withUnsafeBytes(at: index) { StoreKey($0) } }

    /// Argument `index` copied out, for a value the keyspace keeps.
    @inlinable
    public func bytes(at index: Int) -> [UInt8] { command.bytes(at: index) }

    /// Argument `index` as a string value (`StoreValue.makeString`), with no array for a short one.
    public func stringValue(at index: Int) -> StoreValue {
        command.withUnsafeBytes(at: index) { StoreValue.makeString($0) ?? .string(Array($0)) }
    }

    /// Argument `index` as UTF-8, for messages.
    public func string(at index: Int) -> String { command.string(at: index) }

    /// Whether argument `index` is `literal`, ignoring ASCII case.
    @inlinable
    public func argument(_ index: Int, is literal: StaticString) -> Bool {
        command.argument(index, equalsCaseInsensitive: literal)
    }

    /// Argument `index` as an integer, or nil after replying Redis's error.
    public mutating func integer(at index: Int) -> Int? {
        guard let value = command.integer(at: index) else {
            replyError(StoreReplies.notAnInteger)
            return nil
        }
        return value
    }

    // MARK: - Replies

    /// `+OK`.
    @inlinable public mutating func replyOK() { reply.writeRESP(.ok) }

    /// `-<message>`; `message` starts with its code (`ERR ...`, `WRONGTYPE ...`).
    public mutating func replyError(_ message: String) { reply.writeRESPError(message) }

    /// The null of the client's protocol (`$-1` or `_`).
    @inlinable public mutating func replyNull() { reply.writeRESPNull(protocol: client.protocolVersion) }

    /// `:<value>`.
    @inlinable public mutating func replyInteger(_ value: Int) { reply.writeRESPInteger(value) }

    /// A bulk string.
    @inlinable public mutating func replyBulk(_ bytes: [UInt8]) { reply.writeRESPBulkString(bytes) }

    /// A bulk string of the UTF-8 of `text`.
    public mutating func replyBulk(_ text: String) { reply.writeRESPBulkString(text) }

    /// A string value as a bulk string (an integer-encoded one in decimal, without an intermediate array).
    public mutating func replyValue(_ value: StoreValue) {
        switch value {
        case .string(let bytes): reply.writeRESPBulkString(bytes)
        case .inlineString(let bytes): bytes.withUnsafeBytes { reply.writeRESPBulkString($0) }
        case .integer(let number): reply.writeRESPBulkString(String(number))
        case .hash, .list, .set, .sortedSet, .stream: replyError(StoreReplies.wrongType)
        }
    }

    /// `-WRONGTYPE ...`.
    public mutating func replyWrongType() { replyError(StoreReplies.wrongType) }

    /// `-ERR syntax error`.
    public mutating func replySyntaxError() { replyError(StoreReplies.syntaxError) }
}
