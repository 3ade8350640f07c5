/// Error replies whose exact text clients and tests rely on: Redis 7's words.
public enum StoreReplies {
    /// A command against a key of another type.
    public static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
    /// An argument that must be an integer.
    public static let notAnInteger = "ERR value is not an integer or out of range"
    /// An argument that must be a float.
    public static let notAFloat = "ERR value is not a valid float"
    /// Options that do not fit.
    public static let syntaxError = "ERR syntax error"
    /// INCR and friends past the 64-bit range.
    public static let overflow = "ERR increment or decrement would overflow"
    /// A command before AUTH when a password is set.
    public static let noAuth = "NOAUTH Authentication required."
    /// AUTH with a wrong password.
    public static let wrongPass = "WRONGPASS invalid username-password pair or user is disabled."
    /// SELECT of a database other than 0.
    public static let databaseOutOfRange = "ERR DB index is out of range"
    /// RENAME of a missing key.
    public static let noSuchKey = "ERR no such key"
    /// SETRANGE/APPEND past proto-max-bulk-len.
    public static let stringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"

    /// LSET and LINDEX-style positions past either end.
    public static let indexOutOfRange = "ERR index out of range"
    /// A count that must not be negative (LPOP, SPOP).
    public static let mustBePositive = "ERR value is out of range, must be positive"

    /// `ERR wrong number of arguments for '<name>' command`.
    public static func wrongArity(_ name: String) -> String {
        "ERR wrong number of arguments for '\(name)' command"
    }

    /// `ERR invalid expire time in '<name>' command`.
    public static func invalidExpireTime(_ name: String) -> String {
        "ERR invalid expire time in '\(name)' command"
    }

    /// `ERR unknown subcommand '<sub>'. Try <COMMAND> HELP.`
    public static func unknownSubcommand(_ subcommand: String, of command: String) -> String {
        "ERR unknown subcommand '\(subcommand.prefix(128))'. Try \(command.uppercased()) HELP."
    }

    /// What a replica answers a write: clients (and failover logic) match this exact text.
    public static let readOnlyReplica = "READONLY You can't write against a read only replica."
}
