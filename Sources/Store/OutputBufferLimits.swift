/// redis.conf's `client-output-buffer-limit`: how much unsent output a client may pile up before it is
/// disconnected, per class of client. A hard limit closes at once; a soft one after the output stayed
/// above it for `softSeconds`. 0 disables a limit.
public struct OutputBufferLimits: Sendable, Equatable, CustomStringConvertible {
    /// The classes Redis distinguishes.
    public enum ClientClass: String, Sendable, CaseIterable {
        case normal, replica, pubsub
    }

    /// One class's limits.
    public struct Limit: Sendable, Equatable {
        /// Bytes above which the client is closed at once (0: none).
        public var hard: Int
        /// Bytes above which the client is closed after `softSeconds` (0: none).
        public var soft: Int
        /// Seconds the output may stay above `soft`.
        public var softSeconds: Int
    }

    /// A normal client's: none by default (it only gets its own replies).
    public var normal = Limit(hard: 0, soft: 0, softSeconds: 0)
    /// A replica's.
    public var replica = Limit(hard: 256 << 20, soft: 64 << 20, softSeconds: 60)
    /// A subscriber's.
    public var pubsub = Limit(hard: 32 << 20, soft: 8 << 20, softSeconds: 60)

    /// Redis's defaults.
    public init() {}

    /// The limits of `clientClass` (stored fields, not a dictionary: this is read on every batch).
    public subscript(clientClass: ClientClass) -> Limit {
        get {
            switch clientClass {
            case .normal: normal
            case .replica: replica
            case .pubsub: pubsub
            }
        }
        set {
            switch clientClass {
            case .normal: normal = newValue
            case .replica: replica = newValue
            case .pubsub: pubsub = newValue
            }
        }
    }

    /// Applies `<class> <hard> <soft> <seconds>` groups (CONFIG SET, the config file); returns a problem or nil.
    public mutating func apply(_ text: String) -> String? {
        let words = text.split(separator: " ").map(String.init)
        guard !words.isEmpty, words.count % 4 == 0 else {
            return "Wrong number of arguments in buffer limit configuration."
        }
        var updated = self
        for start in stride(from: 0, to: words.count, by: 4) {
            let name = words[start].lowercased() == "slave" ? "replica" : words[start].lowercased()
            guard let clientClass = ClientClass(rawValue: name) else {
                return "Invalid client class specified in buffer limit configuration."
            }
            guard let hard = StoreConfiguration.parseMemory(words[start + 1]),
                let soft = StoreConfiguration.parseMemory(words[start + 2]), let seconds = Int(words[start + 3]),
                seconds >= 0
            else { return "Error in hard, soft or soft_seconds setting in buffer limit configuration." }
            updated[clientClass] = Limit(hard: hard, soft: soft, softSeconds: seconds)
        }
        self = updated
        return nil
    }

    /// The value as CONFIG GET shows it.
    public var description: String {
        ClientClass.allCases.map { clientClass in
            let limit = self[clientClass]
            return
                "\(clientClass.rawValue == "replica" ? "slave" : clientClass.rawValue) \(limit.hard) \(limit.soft) \(limit.softSeconds)"
        }.joined(separator: " ")
    }
}
