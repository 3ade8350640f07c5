import Core
import Foundation
import RESP
import Reactor
import Synchronization
import Testing

@testable import Store

/// A scripted master on 127.0.0.1: records the commands a replica sends and answers each with what
/// `respond` returns (raw bytes, nil for nothing). Confined to the loop; `commands` is read from tests.
final class FakeMaster: ConnectionHandler, @unchecked Sendable {
    // @unchecked Sendable: `commands` and `connections` are behind Mutexes; the rest is loop-confined.
    let commands = Mutex<[String]>([])
    let connections = Mutex(0)
    private var decoder = RESPCommandDecoder()
    private let respond: @Sendable (RESPCommand) -> [UInt8]?
    private(set) var current: Connection?

    init(respond: @escaping @Sendable (RESPCommand) -> [UInt8]?) { self.respond = respond }

    func connectionDidRead(_ connection: Connection) {
        current = connection
        while let command = try? decoder.decode(&connection.inbound) {
            commands.withLock { $0.append(command.description) }
            if let reply = respond(command) { connection.withOutbound { $0.writeBytes(reply) } }
        }
    }

    func connectionDidClose(_ connection: Connection, error: IOError?) { decoder.reset() }

    /// Sends raw bytes down the stream (loop thread).
    func send(_ text: [UInt8]) { current?.write(text.withUnsafeBytes { ByteBuffer(bytes: $0) }) }
}

extension ByteBuffer {
    fileprivate init(bytes: UnsafeRawBufferPointer) {
        self.init()
        writeBytes(bytes)
    }
}

/// The replica's side of replication over a real loop on 127.0.0.1, against a scripted master.
@Suite struct MasterLinkTests {
    /// A snapshot holding `key` = `value`, as a master would send it after +FULLRESYNC.
    private static func snapshot(_ key: StoreKey, _ value: String) -> [UInt8] {
        var keyspace = Keyspace()
        keyspace.set(key, .makeString(Array(value.utf8)))
        return RDBEncoder.encode(keyspace, ctime: 0)
    }

    private static func bulk(_ bytes: [UInt8]) -> [UInt8] { Array("$\(bytes.count)\r\n".utf8) + bytes }

    /// A master that accepts the handshake and answers PSYNC with a full sync of `hello` = `world`,
    /// preceded by keep-alive newlines.
    private static func fullSyncMaster() -> FakeMaster {
        FakeMaster { command in
            if command.isNamed("ping") { return Array("+PONG\r\n".utf8) }
            if command.isNamed("replconf") {
                return command.argument(1, equalsCaseInsensitive: "ACK") ? nil : Array("+OK\r\n".utf8)
            }
            if command.isNamed("psync") {
                let id = String(repeating: "a", count: 40)
                return Array("+FULLRESYNC \(id) 100\r\n\n\n".utf8) + bulk(snapshot("hello", "world"))
            }
            return Array("-ERR unexpected\r\n".utf8)
        }
    }

    private func start(_ master: FakeMaster, loop: EventLoop) async throws -> (CommandExecutor, Int) {
        let port = try await loop.submit { () throws -> Int in
            let listener = try Listener(address: SocketAddress("127.0.0.1:0")!, on: loop) { $0.handler = master }
            // Kept alive by the loop's registration until the loop stops.
            return listener.address.port!
        }
        let executor = try await loop.submit { () -> UncheckedBox<CommandExecutor> in
            var configuration = StoreHarness.defaultConfiguration
            configuration.port = 7777
            let executor = CommandExecutor(configuration: configuration)
            executor.loop = loop
            executor.boundPort = 7777
            executor.startReplication(of: MasterAddress(host: "127.0.0.1", port: port))
            return UncheckedBox(executor)
        }.value
        return (executor, port)
    }

    private func onLoop<T: Sendable>(
        _ loop: EventLoop, _ executor: CommandExecutor, _ body: @escaping @Sendable (CommandExecutor) -> T
    )
        async throws -> T
    {
        let box = UncheckedBox(executor)
        return try await loop.submit { body(box.value) }
    }

    @Test("The handshake is Redis's; a full sync loads the snapshot and the stream applies after it")
    func fullSyncThenStream() async throws {
        let loop = try EventLoop.start(name: "replica")
        defer { loop.stop() }
        let master = Self.fullSyncMaster()
        let (executor, _) = try await start(master, loop: loop)
        #expect(await eventuallyAsync { try await onLoop(loop, executor) { $0.masterLink?.isUp ?? false } })
        let sent = master.commands.withLock { $0 }
        #expect(
            Array(sent.prefix(3)) == [
                "PING", "REPLCONF listening-port 7777 ip-address 127.0.0.1", "REPLCONF capa eof capa psync2",
            ])
        // A master turned replica offers its own history first, as Redis does; the master chose a full sync.
        #expect(sent.count >= 4 && sent[3].hasPrefix("PSYNC ") && sent[3].hasSuffix(" 1"))
        #expect(
            try await onLoop(loop, executor) { $0.execute(["GET", "hello"], client: $0.openSession()).description }
                == "$5\r\nworld\r\n")
        // The stream: a write, then a GETACK the replica answers with its offset including both.
        let set = Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".utf8)
        let getack = Array("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n".utf8)
        try await loop.submit { master.send(set + getack) }
        let expected = 100 + set.count + getack.count
        #expect(await eventuallyAsync { master.commands.withLock { $0.contains("REPLCONF ACK \(expected)") } })
        #expect(
            try await onLoop(loop, executor) { $0.execute(["GET", "k"], client: $0.openSession()).description }
                == "$1\r\nv\r\n")
        #expect(try await onLoop(loop, executor) { $0.masterLink?.processedOffset } == expected)
        #expect(
            try await onLoop(loop, executor) { $0.execute(["SET", "x", "1"], client: $0.openSession()).description }
                == "-READONLY You can't write against a read only replica.\r\n")
    }

    @Test("A dropped link reconnects and asks to continue from the next byte it needs")
    func reconnectsAndContinues() async throws {
        let loop = try EventLoop.start(name: "replica")
        defer { loop.stop() }
        let master = Self.fullSyncMaster()
        let (executor, _) = try await start(master, loop: loop)
        #expect(await eventuallyAsync { try await onLoop(loop, executor) { $0.masterLink?.isUp ?? false } })
        try await loop.submit { master.current?.close() }
        #expect(
            await eventuallyAsync(seconds: 20) {
                master.commands.withLock { $0.contains("PSYNC \(String(repeating: "a", count: 40)) 101") }
            })
        #expect(
            try await onLoop(loop, executor) { $0.execute(["GET", "hello"], client: $0.openSession()).description }
                == "$5\r\nworld\r\n")
    }

    @Test("A master that refuses PSYNC leaves the data alone and is tried again")
    func refusedPSYNC() async throws {
        let loop = try EventLoop.start(name: "replica")
        defer { loop.stop() }
        let master = FakeMaster { command in
            command.isNamed("psync")
                ? Array("-NOMASTERLINK Can't SYNC while not connected with my master\r\n".utf8)
                : Array((command.isNamed("ping") ? "+PONG\r\n" : "+OK\r\n").utf8)
        }
        let (executor, _) = try await start(master, loop: loop)
        #expect(
            await eventuallyAsync(seconds: 20) {
                master.commands.withLock { $0.filter { $0.hasPrefix("PSYNC") }.count >= 2 }
            })
        #expect(try await onLoop(loop, executor) { $0.masterLink?.isUp } == false)
        let info = try await onLoop(loop, executor) {
            $0.execute(["INFO", "replication"], client: $0.openSession()).description
        }
        #expect(info.contains("master_link_status:down"))
    }
}

/// Moves a loop-confined reference through `submit`, whose closures must be Sendable.
struct UncheckedBox<T>: @unchecked Sendable {
    // @unchecked Sendable: the value is only used on the loop that created it.
    let value: T
    init(_ value: T) { self.value = value }
}

/// Polls an async condition every 10 ms until it holds or `seconds` pass.
func eventuallyAsync(seconds: Double = 10, _ condition: () async throws -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return false
}
