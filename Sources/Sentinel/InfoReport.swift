import Reactor

/// What a sentinel reads from an instance's `INFO`: its run id, role, where its master is and how its
/// link is, its replication offset and priority, and (for a master) its replicas. Pure.
struct InfoReport: Sendable, Equatable {
    enum Role: String, Sendable { case master, slave }

    var runID = ""
    var role = Role.master
    var masterAddress: SocketAddress?
    var masterLinkUp = false
    var offset = 0
    var priority = 100
    var replicas: [SocketAddress] = []

    /// Parses `INFO` text (`field:value` lines; `slaveN:ip=..,port=..,...` for replicas).
    init(_ text: String) {
        var masterHost: String?
        var masterPort: Int?
        var masterOffset = 0
        var replicaOffset: Int?
        // "\r\n" is one Character in Swift: split on newlines, not on "\n".
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = String(line[line.index(after: colon)...])
            switch key {
            case "run_id": runID = value
            case "role": role = value == "slave" ? .slave : .master
            case "master_host": masterHost = value
            case "master_port": masterPort = Int(value)
            case "master_link_status": masterLinkUp = value == "up"
            case "slave_repl_offset": replicaOffset = Int(value)
            case "master_repl_offset": masterOffset = Int(value) ?? 0
            case "slave_priority", "replica_priority": priority = Int(value) ?? 100
            default:
                guard key.hasPrefix("slave"), key.dropFirst(5).allSatisfy(\.isNumber) else { continue }
                var ip: String?
                var port: Int?
                for pair in value.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    if parts[0] == "ip" { ip = String(parts[1]) }
                    if parts[0] == "port" { port = Int(parts[1]) }
                }
                if let ip, let port, let address = SocketAddress(host: ip, port: port) { replicas.append(address) }
            }
        }
        if let masterHost, let masterPort { masterAddress = SocketAddress(host: masterHost, port: masterPort) }
        offset = role == .slave ? (replicaOffset ?? 0) : masterOffset
    }

    init() {}
}
