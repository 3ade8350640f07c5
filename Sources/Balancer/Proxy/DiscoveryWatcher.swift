import Core
import JSON
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// Follows the supervisor's discovery file: every `interval` it looks at the file's identity (inode,
/// size, modification time: the supervisor replaces it atomically, so a change always shows there), and
/// when it moved, re-reads the named service's instances and hands the running ones to `onChange`. A file
/// that is missing or does not parse leaves the last good list in force (logged once per change).
/// Runs on one loop; confined to it.
final class DiscoveryWatcher {
    typealias Upstream = (name: String, address: SocketAddress, weight: Int)

    let loop: EventLoop
    let path: String
    let service: String
    private let logger: Logger
    private let onChange: ([Upstream]) -> Void
    private var lastIdentity: [Int] = []
    private var timer: RepeatingTimer?

    init(
        loop: EventLoop, path: String, service: String, logger: Logger, onChange: @escaping ([Upstream]) -> Void
    ) {
        self.loop = loop
        self.path = path
        self.service = service
        self.logger = logger
        self.onChange = onChange
    }

    /// Reads the file now, then every `interval`.
    func start(interval: TimeAmount = .milliseconds(200)) {
        poll()
        timer = loop.scheduleRepeating(every: interval) { [weak self] in self?.poll() }
    }

    func stop() { timer?.cancel() }

    private func poll() {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if lastIdentity != [-1] {
                lastIdentity = [-1]
                logger.warning("discovery file not readable; keeping the upstreams", ["path": path])
            }
            return
        }
        let identity = [
            Int(status.st_ino), Int(status.st_size), Int(status.st_mtim.tv_sec), Int(status.st_mtim.tv_nsec),
        ]
        guard identity != lastIdentity else { return }
        lastIdentity = identity
        guard let bytes = try? FileSystem.read(path) else { return }
        do {
            onChange(try DiscoveryWatcher.upstreams(of: service, in: bytes))
        } catch {
            logger.warning("discovery file ignored; keeping the upstreams", ["path": path, "error": "\(error)"])
        }
    }

    /// The running instances of `service` in a discovery document. Pure.
    static func upstreams(of service: String, in bytes: [UInt8]) throws -> [Upstream] {
        let document = try JSONParser.parse(bytes)
        guard let services = document.objectValue?["services"]?.objectValue else {
            throw DiscoveryError(reason: "expected an object with \"services\"")
        }
        var result: [Upstream] = []
        for entry in services[service]?.arrayValue ?? [] {
            guard let object = entry.objectValue, let name = object["name"]?.stringValue,
                let host = object["address"]?.stringValue, case .integer(let port)? = object["port"],
                let address = SocketAddress(host: host, port: port), address.isLoopback
            else { throw DiscoveryError(reason: "malformed instance in \(service): \(entry.summary)") }
            guard object["state"]?.stringValue == "running" else { continue }
            result.append((name, address, 1))
        }
        return result
    }

    struct DiscoveryError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}
