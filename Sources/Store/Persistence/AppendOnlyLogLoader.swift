import Core
import RESP

/// Replays an AOF into an executor at start (Redis's `loadSingleAppendOnlyFile`).
///
/// Commands run through the executor's normal path for a private, authenticated session, so they mean
/// exactly what they meant when logged. A file that ends in the middle of a command (a crash while
/// appending) is *truncated*: everything up to the last whole command loads and `validLength` says where
/// to cut; a transaction left open by the tail is dropped with it, as Redis reverts an incomplete
/// MULTI. Anything else that is not a command is *corrupt*: loading stops with an error and the caller
/// must refuse to start without touching the file.
public enum AppendOnlyLogLoader {
    /// What a load found.
    public struct Outcome: Equatable, Sendable {
        /// Commands replayed.
        public var commands: Int
        /// Length of the valid prefix; less than the file's size when its tail was torn.
        public var validLength: Int
        /// Whether the tail was torn (`validLength` < file size).
        public var isTruncated: Bool
    }

    /// Replays `bytes` into `executor`. Throws `PersistenceError` for a corrupt file or a command the
    /// store refuses (an unknown command, a wrong arity: the file was not written by a compatible store).
    public static func replay(_ bytes: [UInt8], into executor: CommandExecutor) throws(PersistenceError) -> Outcome {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        var decoder = RESPCommandDecoder(limits: RESPLimits(maxBulkLength: Int(Int32.max)))
        let session = ClientSession(id: 0, peer: "aof", isAuthenticated: true)
        session.isReplayingLog = true
        var commands = 0
        var validLength = 0
        var transactionStart: Int?
        executor.now = executor.clock()
        while buffer.readableBytes > 0 {
            let offset = bytes.count - buffer.readableBytes
            guard buffer.withUnsafeReadableBytes({ $0.first }) == UInt8(ascii: "*") else {
                throw PersistenceError.corruptAppendOnlyFile(offset: offset, reason: "expected '*' starting a command")
            }
            let command: RESPCommand?
            do {
                command = try decoder.decode(&buffer)
            } catch {
                throw PersistenceError.corruptAppendOnlyFile(offset: offset, reason: "\(error)")
            }
            guard let command else { break }  // A torn tail: stop at the last whole command.
            let isMulti = command.isNamed("multi")
            if isMulti { transactionStart = offset }
            var request = CommandRequest(command: command, client: session)
            executor.execute(&request)
            if request.reply.withUnsafeReadableBytes({ $0.first }) == UInt8(ascii: "-"),
                !command.isNamed("exec")
            {
                let reply = request.reply.withUnsafeReadableBytes { Array($0) }
                let message = String(decoding: reply.dropFirst().prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
                throw PersistenceError.corruptAppendOnlyFile(
                    offset: offset, reason: "the store refused '\(command.string(at: 0))': \(message)")
            }
            commands += 1
            if command.isNamed("exec") { transactionStart = nil }
            if !isMulti && transactionStart == nil { validLength = bytes.count - buffer.readableBytes }
        }
        if session.isInTransaction { executor.closeSession(session) }
        return Outcome(commands: commands, validLength: validLength, isTruncated: validLength < bytes.count)
    }
}

/// Why persistence could not load or save.
public enum PersistenceError: Error, Equatable, CustomStringConvertible {
    /// The AOF holds something that is not a whole command at `offset`.
    case corruptAppendOnlyFile(offset: Int, reason: String)
    /// A file could not be read or written.
    case io(String)

    public var description: String {
        switch self {
        case .corruptAppendOnlyFile(let offset, let reason):
            "unable to load the append-only file: bad format at offset \(offset): \(reason)"
        case .io(let message): "unable to \(message)"
        }
    }
}
