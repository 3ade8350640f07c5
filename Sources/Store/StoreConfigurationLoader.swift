/// Builds a `StoreConfiguration` the way redis-server does: defaults, then the supervisor's environment
/// (`STACK_ADDRESS`, `STACK_PORT`, `STORE_PASSWORD`), then the config file, then `--name value`
/// arguments. Every problem is collected, not just the first, then the result is validated.
public struct StoreConfigurationLoader {
    /// The configuration built so far.
    public private(set) var configuration = StoreConfiguration()
    /// Problems found so far, as `<where>: <what>`.
    public private(set) var problems: [String] = []

    /// A loader starting from redis-server's defaults.
    public init() {}

    /// Applies the supervisor's environment variables (lowest precedence after the defaults).
    public mutating func applyEnvironment(_ environment: [String: String]) {
        if let address = environment["STACK_ADDRESS"], !address.isEmpty { configuration.bind = address }
        if let port = environment["STACK_PORT"], !port.isEmpty { apply("port", [port], at: "STACK_PORT") }
        if let password = environment["STORE_PASSWORD"] { configuration.requirePass = password }
        if let directory = environment["STACK_DATA_DIR"], !directory.isEmpty { configuration.dir = directory }
        // The data tier's master, as the supervisor resolves `{{store.1.address}}`: every instance but the
        // one at that address starts as its replica.
        if let master = environment["STORE_MASTER"], !master.isEmpty {
            let parts = master.split(separator: ":")
            if parts.count == 2, let port = Int(parts[1]) {
                let isSelf = String(parts[0]) == configuration.bind && port == configuration.port
                if !isSelf { configuration.replicaOf = MasterAddress(host: String(parts[0]), port: port) }
            } else {
                problems.append("STORE_MASTER: expected <host>:<port>, got '\(master)'")
            }
        }
    }

    /// Applies a config file's text in redis.conf syntax: one `name value...` per line, `#` comments,
    /// values quoted with `"..."` or `'...'` when they hold spaces.
    public mutating func applyFile(_ text: String, path: String) {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let words = Self.splitArguments(trimmed), let name = words.first else {
                problems.append("\(path):\(number + 1): unbalanced quotes in configuration line")
                continue
            }
            apply(name.lowercased(), Array(words.dropFirst()), at: "\(path):\(number + 1)")
        }
    }

    /// Applies `--name value...` arguments (after the config file), as redis-server: each `--name`
    /// takes the words up to the next `--`.
    public mutating func applyArguments(_ arguments: [String]) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                problems.append("argument '\(argument)': expected --name value")
                index += 1
                continue
            }
            var values: [String] = []
            index += 1
            while index < arguments.count && !arguments[index].hasPrefix("--") {
                values.append(arguments[index])
                index += 1
            }
            apply(String(argument.dropFirst(2)).lowercased(), values, at: argument)
        }
    }

    private mutating func apply(_ name: String, _ values: [String], at location: String) {
        guard !values.isEmpty || name == "save" else {
            problems.append("\(location): '\(name)' needs a value")
            return
        }
        // `save` takes pairs and `bind` may list several addresses (we serve the first, loopback only).
        let value =
            name == "save" || name == "replicaof" || name == "slaveof" ? values.joined(separator: " ") : values[0]
        if let problem = configuration.setValue(value, of: name == "slaveof" ? "replicaof" : name, atStartup: true) {
            problems.append(
                "\(location): \(problem.hasPrefix("Unknown option") ? "unknown directive '\(name)'" : "\(name): \(problem)")"
            )
        }
    }

    /// Checks the whole: the address must be IPv4 loopback (the store never listens beyond its host).
    public mutating func validate() {
        if let master = configuration.replicaOf {
            if master.host == "localhost" { configuration.replicaOf?.host = "127.0.0.1" }
            if !(configuration.replicaOf?.host.hasPrefix("127.") ?? true) {
                problems.append("replicaof: '\(master.host)' is not an IPv4 loopback address (127.0.0.0/8)")
            }
        }
        let parts = configuration.bind.split(separator: ".")
        let isIPv4 = parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
        if !isIPv4 || parts.first != "127" {
            problems.append("bind: \(configuration.bind) is not an IPv4 loopback address (127.0.0.0/8)")
        }
    }

    /// `line` split as Redis's `sdssplitargs`: spaces separate, `"..."` with `\n`, `\t`, `\"`, `\\` and
    /// `\xHH` escapes, `'...'` with `\'`. Nil on unbalanced quotes.
    public static func splitArguments(_ line: some StringProtocol) -> [String]? {
        var words: [String] = []
        var iterator = Array(line.utf8)[...]
        while true {
            while let byte = iterator.first, byte == 0x20 || byte == 0x09 { iterator.removeFirst() }
            guard let first = iterator.first else { return words }
            var word: [UInt8] = []
            if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
                iterator.removeFirst()
                var closed = false
                while let byte = iterator.popFirst() {
                    if byte == first {
                        closed = true
                        break
                    }
                    if byte == UInt8(ascii: "\\"), let next = iterator.popFirst() {
                        switch (first, next) {
                        case (UInt8(ascii: "\""), UInt8(ascii: "n")): word.append(0x0A)
                        case (UInt8(ascii: "\""), UInt8(ascii: "t")): word.append(0x09)
                        case (UInt8(ascii: "\""), UInt8(ascii: "r")): word.append(0x0D)
                        default: word.append(next)
                        }
                    } else {
                        word.append(byte)
                    }
                }
                guard closed else { return nil }
                if let next = iterator.first, next != 0x20 && next != 0x09 { return nil }
            } else {
                while let byte = iterator.first, byte != 0x20 && byte != 0x09 {
                    word.append(byte)
                    iterator.removeFirst()
                }
            }
            words.append(String(decoding: word, as: UTF8.self))
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = self[...]
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
