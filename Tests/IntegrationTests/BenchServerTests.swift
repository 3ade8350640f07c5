import Foundation
import Testing

/// The core's servers as real clients see them: curl, promtool and redis-cli against `benchserver`.
@Suite struct BenchServerTests {
    @Test("curl gets 200 and the 12-byte JSON body")
    func curlGetsBody() throws {
        let server = try ServerProcess("benchserver", ["http", "--port", "0", "--threads", "2"])
        let address = try server.waitForAddress()
        let result = try runTool("curl", ["-sS", "-i", "http://\(address)/"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(result.stdout.contains("Content-Length: 12\r\n"))
        #expect(result.stdout.hasSuffix("\r\n\r\n{\"ok\":true}\n"))
    }

    @Test("its /metrics passes promtool check metrics with no warnings")
    func metricsPassPromtool() throws {
        let server = try ServerProcess("benchserver", ["http", "--port", "0"])
        let address = try server.waitForAddress()
        let metrics = try runTool("curl", ["-sS", "-D", "-", "http://\(address)/metrics"])
        #expect(metrics.stdout.contains("Content-Type: text/plain; version=0.0.4"))
        let body = metrics.stdout.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        #expect(body.contains("process_resident_memory_bytes "))
        #expect(body.contains("eventloop_lag_seconds{loop=\"http-0\"}"))
        let check = try runTool("promtool", ["check", "metrics"], input: Data(body.utf8))
        #expect(check.status == 0, "promtool: \(check.stdout)\(check.stderr)")
        #expect(check.stdout.isEmpty && check.stderr.isEmpty, "promtool warned: \(check.stdout)\(check.stderr)")
    }

    @Test("a malformed request gets a 400 and the connection closes")
    func malformedHTTP() throws {
        let server = try ServerProcess("benchserver", ["http", "--port", "0"])
        let address = try server.waitForAddress()
        let reply = try exchange(address, "NOT HTTP AT ALL\r\n\r\n")
        #expect(reply.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(reply.contains("Connection: close\r\n"))
    }

    @Test("redis-cli gets PONG and its echo from the RESP server")
    func redisCLI() throws {
        let server = try ServerProcess("benchserver", ["resp", "--port", "0"])
        let address = try server.waitForAddress()
        let parts = address.split(separator: ":")
        let ping = try runTool("redis-cli", ["-h", String(parts[0]), "-p", String(parts[1]), "PING"])
        #expect(ping.stdout == "PONG\n")
        let echo = try runTool("redis-cli", ["-h", String(parts[0]), "-p", String(parts[1]), "ECHO", "hello world"])
        #expect(echo.stdout == "hello world\n")
    }

    @Test("malformed RESP gets -ERR Protocol error and a closed connection")
    func malformedRESP() throws {
        let server = try ServerProcess("benchserver", ["resp", "--port", "0"])
        let address = try server.waitForAddress()
        let reply = try exchange(address, "*1\r\n$x\r\n")
        #expect(reply == "-ERR Protocol error: invalid bulk length\r\n")
    }

    @Test("bad arguments exit with 64 and the usage; --help exits 0")
    func usage() throws {
        let bad = try runTool(ServerProcess.executable("benchserver"), ["http", "--port", "nope"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("USAGE: benchserver"))
        let help = try runTool(ServerProcess.executable("benchserver"), ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.hasPrefix("OVERVIEW:"))
    }
}

/// Sends `request` on a new TCP connection and reads until the server closes it (bounded by 5 s).
func exchange(_ address: String, _ request: String) throws -> String {
    let parts = address.split(separator: ":")
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket failed") }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var sin = sockaddr_in()
    sin.sin_family = sa_family_t(AF_INET)
    sin.sin_port = UInt16(parts[1])!.bigEndian
    inet_pton(AF_INET, String(parts[0]), &sin.sin_addr)
    let connected = withUnsafePointer(to: &sin) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard connected == 0 else { throw TestFailure("connect to \(address) failed") }
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = recv(fd, &chunk, chunk.count, 0)
        if n <= 0 { break }
        received += chunk[0..<n]
    }
    return String(decoding: received, as: UTF8.self)
}
