import Core

/// Encodes `RESPValue`s for one protocol version, and commands as a client sends them.
///
/// RESP2 downgrades follow Redis: map -> flat array of keys and values, set and push -> array, null ->
/// `$-1` (`.nullArray` -> `*-1`), double, big number and verbatim string -> bulk string, boolean ->
/// integer 1/0, blob error -> simple error; attributes are dropped (RESP2 has none) and the value they
/// describe is written. Servers on the hot path use the `ByteBuffer.writeRESP...` writers directly.
public struct RESPEncoder: Sendable {
    /// The dialect written.
    public var protocolVersion: RESPProtocolVersion

    /// An encoder for `protocolVersion`.
    public init(protocolVersion: RESPProtocolVersion = .resp2) {
        self.protocolVersion = protocolVersion
    }

    /// Appends `value` to `buffer`.
    public func encode(_ value: RESPValue, into buffer: inout ByteBuffer) {
        let version = protocolVersion
        switch value {
        case .simpleString(let text): buffer.writeRESPSimpleString(text)
        case .error(let message): buffer.writeRESPError(message)
        case .integer(let integer): buffer.writeRESPInteger(integer)
        case .bulkString(let bytes): buffer.writeRESPBulkString(bytes)
        case .array(let elements):
            buffer.writeRESPArrayHeader(elements.count)
            for element in elements { encode(element, into: &buffer) }
        case .null: buffer.writeRESPNull(protocol: version)
        case .nullArray: buffer.writeRESPNullArray(protocol: version)
        case .double(let double): buffer.writeRESPDouble(double, protocol: version)
        case .boolean(let boolean): buffer.writeRESPBoolean(boolean, protocol: version)
        case .blobError(let bytes): buffer.writeRESPBlobError(bytes, protocol: version)
        case .verbatimString(let format, let text):
            buffer.writeRESPVerbatimString(text, format: format, protocol: version)
        case .bigNumber(let digits): buffer.writeRESPBigNumber(digits, protocol: version)
        case .map(let pairs):
            buffer.writeRESPMapHeader(pairs.count, protocol: version)
            encode(pairs, into: &buffer)
        case .set(let elements):
            buffer.writeRESPSetHeader(elements.count, protocol: version)
            for element in elements { encode(element, into: &buffer) }
        case .attribute(let pairs, let described):
            if version == .resp3 {
                buffer.writeRESPAttributeHeader(pairs.count)
                encode(pairs, into: &buffer)
            }
            encode(described, into: &buffer)
        case .push(let elements):
            buffer.writeRESPPushHeader(elements.count, protocol: version)
            for element in elements { encode(element, into: &buffer) }
        }
    }

    /// `value` encoded in a new buffer.
    public func encode(_ value: RESPValue) -> ByteBuffer {
        var buffer = ByteBuffer()
        encode(value, into: &buffer)
        return buffer
    }

    private func encode(_ pairs: [RESPValue.Pair], into buffer: inout ByteBuffer) {
        for pair in pairs {
            encode(pair.key, into: &buffer)
            encode(pair.value, into: &buffer)
        }
    }

    // MARK: - Commands

    /// Appends a command as a client sends it: an array of bulk strings (the same in RESP2 and RESP3).
    public static func encodeCommand(_ arguments: [String], into buffer: inout ByteBuffer) {
        buffer.writeRESPArrayHeader(arguments.count)
        for argument in arguments { buffer.writeRESPBulkString(argument) }
    }

    /// Appends a command with binary arguments.
    public static func encodeCommand(_ arguments: [[UInt8]], into buffer: inout ByteBuffer) {
        buffer.writeRESPArrayHeader(arguments.count)
        for argument in arguments { buffer.writeRESPBulkString(argument) }
    }

    /// A command encoded in a new buffer: `encodeCommand(["SET", "k", "v"])`.
    public static func encodeCommand(_ arguments: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        encodeCommand(arguments, into: &buffer)
        return buffer
    }
}
