import Core
import JSON
import Manifest
import Reactor

/// What the supervisor remembers across its own restarts: instance addresses (so `api-1` keeps its
/// address), scale overrides, and which `unless-stopped` instances were stopped by hand.
struct PersistentState {
    var addresses: [String: IPv4Address] = [:]
    var replicas: [String: Int] = [:]
    var userStopped: Set<String> = []

    /// Reads the state file; a missing or unreadable one is an empty state (it is only a memory).
    static func load(from path: String) -> PersistentState {
        var state = PersistentState()
        guard let bytes = try? FileSystem.read(path), let json = try? JSONValue.parse(bytes),
            let object = json.objectValue
        else { return state }
        for (name, value) in object["addresses"]?.objectValue?.members ?? [] {
            if let text = value.stringValue, let address = IPv4Address(text) { state.addresses[name] = address }
        }
        for (name, value) in object["replicas"]?.objectValue?.members ?? [] {
            if let count = value.intValue { state.replicas[name] = count }
        }
        for value in object["user_stopped"]?.arrayValue ?? [] {
            if let name = value.stringValue { state.userStopped.insert(name) }
        }
        return state
    }

    /// Writes the state file atomically (errors are ignored: losing it only loses the memory).
    func save(to path: String) {
        let document = JSONValue.object(
            JSONObject([
                (
                    "addresses",
                    .object(
                        JSONObject(addresses.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.description)) })
                    )
                ),
                (
                    "replicas",
                    .object(JSONObject(replicas.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) }))
                ),
                ("user_stopped", .array(userStopped.sorted().map { .string($0) })),
            ]))
        try? FileSystem.writeAtomically(Array(document.prettyPrinted().utf8), to: path)
    }
}
