import Core
import Testing

@testable import RESP

@Suite struct RESPEncoderTests {
    static func encoded(_ value: RESPValue, _ version: RESPProtocolVersion) -> String {
        RESPEncoder(protocolVersion: version).encode(value).description
    }

    @Test(
        "RESP3 types are written natively in RESP3 and downgraded in RESP2 as Redis does",
        arguments: [
            (RESPValue.null, "_\r\n", "$-1\r\n"),
            (.nullArray, "_\r\n", "*-1\r\n"),
            (.double(1.5), ",1.5\r\n", "$3\r\n1.5\r\n"),
            (.double(3), ",3\r\n", "$1\r\n3\r\n"),
            (.double(.infinity), ",inf\r\n", "$3\r\ninf\r\n"),
            (.double(-.infinity), ",-inf\r\n", "$4\r\n-inf\r\n"),
            (.double(.nan), ",nan\r\n", "$3\r\nnan\r\n"),
            (.boolean(true), "#t\r\n", ":1\r\n"),
            (.boolean(false), "#f\r\n", ":0\r\n"),
            (
                .bigNumber("-123456789012345678901234567890"), "(-123456789012345678901234567890\r\n",
                "$31\r\n-123456789012345678901234567890\r\n"
            ),
            (.verbatimString(format: "txt", text: Array("hi")), "=6\r\ntxt:hi\r\n", "$2\r\nhi\r\n"),
            (.blobError(Array("ERR a\r\nb")), "!8\r\nERR a\r\nb\r\n", "-ERR a  b\r\n"),
            (.map([.init(.bulkString("k"), .integer(1))]), "%1\r\n$1\r\nk\r\n:1\r\n", "*2\r\n$1\r\nk\r\n:1\r\n"),
            (.set([.integer(1), .integer(2)]), "~2\r\n:1\r\n:2\r\n", "*2\r\n:1\r\n:2\r\n"),
            (.push([.bulkString("message")]), ">1\r\n$7\r\nmessage\r\n", "*1\r\n$7\r\nmessage\r\n"),
            (
                .attribute([.init(.simpleString("a"), .boolean(true))], .integer(7)), "|1\r\n+a\r\n#t\r\n:7\r\n",
                ":7\r\n"
            ),
            (.simpleString("OK"), "+OK\r\n", "+OK\r\n"),
            (.error("ERR x"), "-ERR x\r\n", "-ERR x\r\n"),
            (.integer(-42), ":-42\r\n", ":-42\r\n"),
            (.bulkString([]), "$0\r\n\r\n", "$0\r\n\r\n"),
            (.array([]), "*0\r\n", "*0\r\n"),
        ])
    func downgrades(value: RESPValue, resp3: String, resp2: String) {
        #expect(Self.encoded(value, .resp3) == resp3)
        #expect(Self.encoded(value, .resp2) == resp2)
    }

    @Test("the direct writers produce the same bytes as the encoder")
    func writers() {
        var buffer = ByteBuffer()
        buffer.writeRESPSimpleString("OK")
        buffer.writeRESPError("ERR wrong number of arguments for 'get' command")
        buffer.writeRESPInteger(Int.min)
        buffer.writeRESPInteger(Int.max)
        buffer.writeRESPInteger(0)
        buffer.writeRESPBulkString([UInt8]("value"))
        buffer.writeRESPBulkString([UInt8]("value")[1...3])
        buffer.writeRESPBulkString("")
        buffer.writeRESPNull(protocol: .resp2)
        buffer.writeRESPNull(protocol: .resp3)
        buffer.writeRESPNullArray(protocol: .resp2)
        buffer.writeRESPArrayHeader(2)
        buffer.writeRESPMapHeader(2, protocol: .resp3)
        buffer.writeRESPMapHeader(2, protocol: .resp2)
        buffer.writeRESPSetHeader(1, protocol: .resp3)
        buffer.writeRESPPushHeader(3, protocol: .resp3)
        #expect(
            buffer.description
                == "+OK\r\n-ERR wrong number of arguments for 'get' command\r\n:-9223372036854775808\r\n"
                + ":9223372036854775807\r\n:0\r\n$5\r\nvalue\r\n$3\r\nalu\r\n$0\r\n\r\n$-1\r\n_\r\n*-1\r\n*2\r\n"
                + "%2\r\n*4\r\n~1\r\n>3\r\n")
    }

    @Test("every integer width is written in decimal")
    func integers() {
        for exponent in 0..<19 {
            let value = (0..<exponent).reduce(1) { power, _ in power * 10 }
            for candidate in [value - 1, value, value + 1, -value] {
                var buffer = ByteBuffer()
                buffer.writeRESPInteger(candidate)
                #expect(buffer.description == ":\(candidate)\r\n")
            }
        }
    }

    @Test("precomputed replies hold the bytes their names promise")
    func constants() {
        var buffer = ByteBuffer()
        for constant in RESPConstant.allCases { buffer.writeRESP(constant) }
        #expect(buffer.description == "+OK\r\n+PONG\r\n+QUEUED\r\n:0\r\n:1\r\n$-1\r\n*-1\r\n_\r\n*0\r\n")
    }

    @Test("CR and LF in simple strings and errors are written as spaces, as Redis does")
    func lineBreaksInLines() {
        var buffer = ByteBuffer()
        buffer.writeRESPError("ERR bad\r\nthing")
        buffer.writeRESPSimpleString("a\nb")
        #expect(buffer.description == "-ERR bad  thing\r\n+a b\r\n")
    }

    @Test("commands are encoded as arrays of bulk strings and decode back")
    func commands() throws {
        var buffer = RESPEncoder.encodeCommand(["SET", "k", "v"])
        #expect(buffer.description == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
        RESPEncoder.encodeCommand([[0, 13, 10], []], into: &buffer)
        var decoder = RESPCommandDecoder()
        #expect(try decoder.decode(&buffer) == RESPCommand(["SET", "k", "v"]))
        #expect(try decoder.decode(&buffer)?.arguments == [[0, 13, 10], []])
    }
}
