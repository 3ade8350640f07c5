import Core
import Testing

@testable import RESP

@Suite struct RESPCommandTests {
    @Test("the command name compares case-insensitively and only letters fold")
    func names() {
        let command = RESPCommand(["sEt", "Key", "@"])
        #expect(command.isNamed("SET"))
        #expect(command.isNamed("set"))
        #expect(!command.isNamed("SETX"))
        #expect(!command.isNamed("GET"))
        #expect(command.argument(2, equalsCaseInsensitive: "@"))
        #expect(!command.argument(2, equalsCaseInsensitive: "`"))
        #expect(command.lowercasedName == Array("set".utf8))
        #expect(!RESPCommand([[UInt8]]()).isNamed("SET"))
    }

    @Test("arguments are readable as slices, pointers, copies, strings and integers")
    func accessors() {
        let command = RESPCommand(["INCRBY", "counter", "-42", "01", ""])
        #expect(command.count == 5)
        #expect(Array(command[1]) == Array("counter".utf8))
        #expect(command.length(at: 1) == 7)
        #expect(command.bytes(at: 4) == [])
        #expect(command.string(at: 0) == "INCRBY")
        #expect(command.integer(at: 2) == -42)
        #expect(command.integer(at: 3) == nil)
        #expect(command.integer(at: 4) == nil)
        #expect(command.withUnsafeBytes(at: 2) { $0.count } == 3)
        #expect(command.map { $0.count } == [6, 7, 3, 2, 0])
        #expect(command.description == "INCRBY counter -42 01 ")
    }

    @Test("commands taken from a batch stay valid after the batch is reused")
    func batchSharing() throws {
        var decoder = RESPCommandDecoder()
        var batch = RESPCommandBatch()
        var buffer = ByteBuffer(string: "GET a\r\n")
        _ = try decoder.decode(&buffer, into: &batch)
        let kept = batch[0]
        batch.removeAll()
        buffer.writeString("SET b c\r\n")
        _ = try decoder.decode(&buffer, into: &batch)
        #expect(kept == RESPCommand(["GET", "a"]))
        #expect(batch[0] == RESPCommand(["SET", "b", "c"]))
    }
}
