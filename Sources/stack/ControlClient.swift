import Core
import Foundation
import HTTP
import JSON
import Manifest
import Reactor
import Supervisor
import Synchronization

/// The CLI's side of the control API (docs/control-api.md): HTTP over `.stack/run/stack.sock`.
struct ControlClient {
    let socketPath: String
    let client: HTTPClient

    init(configuration: SupervisorConfiguration) throws {
        socketPath = configuration.socketPath
        client = try HTTPClient(configuration: HTTPClientConfiguration(readTimeout: .seconds(600 as Int64)))
    }

    var address: SocketAddress { .unix(path: socketPath) }

    /// Whether a supervisor answers.
    func isRunning() async -> Bool {
        guard FileManager.default.fileExists(atPath: socketPath) else { return false }
        return (try? await client.get("/v1/health", from: address))?.status == .ok
    }

    /// GETs `path` and parses the JSON answer.
    func get(_ path: String) async throws -> JSONValue {
        try await send(HTTPClientRequest(method: .GET, target: path))
    }

    /// POSTs `body` to `path` and parses the JSON answer.
    func post(_ path: String, _ body: JSONValue) async throws -> JSONValue {
        try await send(
            HTTPClientRequest(
                method: .POST, target: path, headers: ["Content-Type": "application/json"],
                body: ByteBuffer(string: body.compact)))
    }

    private func send(_ request: HTTPClientRequest) async throws -> JSONValue {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, to: address)
        } catch {
            throw CommandFailure("unable to reach the supervisor at \(socketPath): \(error) (is the stack up?)")
        }
        let value = try? JSONValue.parse(response.body.readableBytesArray)
        guard (200..<300).contains(response.status.code) else {
            let message = value?.objectValue?["error"]?.objectValue?["message"]?.stringValue ?? response.bodyText
            throw CommandFailure(message)
        }
        guard let value else { throw CommandFailure("unable to read the supervisor's answer to \(request.target)") }
        return value
    }

    /// Streams `path`, handing each chunk of text to `body`, until the supervisor ends the stream.
    /// Throws the supervisor's message when it refuses the request (`stack logs nobody`), rather than
    /// handing its JSON error to `body` as if it were output.
    func stream(_ path: String, _ body: @escaping @Sendable (String) -> Void) async throws {
        let refusal = Mutex<[UInt8]>([])
        let head: HTTPResponseHead
        do {
            head = try await client.stream(HTTPClientRequest(method: .GET, target: path), to: address) { head, chunk in
                if (200..<300).contains(head.status.code) {
                    body(chunk.description)
                } else {
                    refusal.withLock { $0 += chunk.readableBytesArray }
                }
            }
        } catch {
            throw CommandFailure("unable to follow \(path): \(error)")
        }
        guard (200..<300).contains(head.status.code) else {
            let bytes = refusal.withLock { $0 }
            let message = (try? JSONValue.parse(bytes))?.objectValue?["error"]?.objectValue?["message"]?.stringValue
            throw CommandFailure(message ?? "unable to follow \(path): \(head.status.code)")
        }
    }

    func shutdown() { client.shutdown() }
}
