import Core
import RESP
import Reactor

/// The sentinel's connections to one instance: a command connection (PING, INFO, PUBLISH, REPLICAOF,
/// or for a peer sentinel, `SENTINEL is-master-down-by-addr`), and for stores a RESP3 connection
/// subscribed to `__sentinel__:hello`. Reconnects on the next tick after a failure. Confined to the loop.
final class InstanceLink {
    let address: SocketAddress
    let isStore: Bool
    private let password: String?
    private let loop: EventLoop
    private(set) var command: RESPConnection?
    private(set) var hello: RESPConnection?
    private var isConnectingCommand = false
    private var isConnectingHello = false
    var lastPingAt = Instant.distantPast
    var lastInfoAt = Instant.distantPast
    var lastHelloAt = Instant.distantPast
    var lastAskAt = Instant.distantPast
    /// Called with each hello message payload.
    var onHello: ((String) -> Void)?

    init(address: SocketAddress, isStore: Bool, password: String?, loop: EventLoop) {
        self.address = address
        self.isStore = isStore
        self.password = password
        self.loop = loop
    }

    var isConnected: Bool { command?.isOpen ?? false }

    /// Opens whichever connection is missing.
    func ensureConnected() {
        if !(command?.isOpen ?? false), !isConnectingCommand {
            isConnectingCommand = true
            RESPConnection.connect(
                to: address, on: loop, password: isStore ? password : nil, connectTimeout: .milliseconds(500),
                commandTimeout: .seconds(1 as Int64)
            ) { [weak self] result in
                guard let self else { return }
                self.isConnectingCommand = false
                if case .success(let connection) = result {
                    self.command = connection
                    connection.send(["CLIENT", "SETNAME", "sentinel-cmd"]) { _ in }
                    // An instance that (re)appears is asked its role at once: an old master back from the
                    // dead must be demoted before its clients write much to it.
                    self.lastInfoAt = .distantPast
                }
            }
        }
        guard isStore, !(hello?.isOpen ?? false), !isConnectingHello else { return }
        isConnectingHello = true
        RESPConnection.connect(
            to: address, on: loop, password: password, protocolVersion: 3, connectTimeout: .milliseconds(500),
            commandTimeout: .seconds(1 as Int64)
        ) { [weak self] result in
            guard let self else { return }
            self.isConnectingHello = false
            guard case .success(let connection) = result else { return }
            self.hello = connection
            connection.onPush = { [weak self] value in
                guard case .push(let parts) = value, parts.count == 3, case .bulkString(let payload) = parts[2] else {
                    return
                }
                self.map { $0.onHello?(String(decoding: payload, as: UTF8.self)) }
            }
            connection.send(["SUBSCRIBE", SentinelRuntime.helloChannel]) { _ in }
        }
    }

    /// Sends a command on the command connection; `completion` gets nil when there is none.
    func send(_ arguments: [String], _ completion: @escaping (RESPValue?) -> Void) {
        guard let command, command.isOpen else { return completion(nil) }
        command.send(arguments) { result in
            if case .success(let value) = result { completion(value) } else { completion(nil) }
        }
    }

    func close() {
        command?.close()
        hello?.close()
        command = nil
        hello = nil
    }
}
