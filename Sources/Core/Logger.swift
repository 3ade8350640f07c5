#if canImport(Glibc)
    import Glibc
#endif

/// The one structured log format of every Evergreen program: logfmt lines on stderr.
///
/// `time=2026-11-25T16:40:00.123Z level=info program=store instance=store-1 msg="ready" port=6379`
/// The supervisor parses these to colour and aggregate them. Each line is one `write(2)`, so lines from
/// several threads never interleave. Thread-safe: a `Logger` is an immutable value.
public struct Logger: Sendable {
    /// Severity, lowest first.
    public enum Level: Int, Comparable, Sendable, CaseIterable {
        case debug, info, warning, error

        /// The name printed in the `level=` field.
        public var name: String {
            switch self {
            case .debug: "debug"
            case .info: "info"
            case .warning: "warn"
            case .error: "error"
            }
        }

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        /// Parses `debug`, `info`, `warn`/`warning` or `error`.
        public init?(name: String) {
            switch name.lowercased() {
            case "debug": self = .debug
            case "info": self = .info
            case "warn", "warning": self = .warning
            case "error": self = .error
            default: return nil
            }
        }
    }

    /// Program name (`store`, `balancer`, ...).
    public var program: String
    /// Instance name (`store-1`), empty when not run by the supervisor.
    public var instance: String
    /// Lines below this level are dropped.
    public var minimumLevel: Level
    /// Where lines go: stderr unless a test captures them.
    public var sink: @Sendable (String) -> Void

    /// A logger for `program`; the instance and level come from `STACK_INSTANCE`-style environment by default.
    public init(
        program: String, instance: String = "", minimumLevel: Level = .info,
        sink: @escaping @Sendable (String) -> Void = Logger.standardError
    ) {
        self.program = program
        self.instance = instance
        self.minimumLevel = minimumLevel
        self.sink = sink
    }

    /// Writes a line to stderr in a single `write(2)`.
    public static let standardError: @Sendable (String) -> Void = { line in
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 { if errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }

    public func debug(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.debug, message(), fields)
    }
    public func info(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.info, message(), fields)
    }
    public func warning(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.warning, message(), fields)
    }
    public func error(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, Any> = [:]) {
        log(.error, message(), fields)
    }

    /// Formats and writes one line if `level` is enabled.
    public func log(_ level: Level, _ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, Any> = [:]) {
        guard level >= minimumLevel else { return }
        sink(
            Logger.format(
                time: wallClockSeconds(), level: level, program: program, instance: instance,
                message: message(), fields: fields.map { ($0.key, "\($0.value)") }))
    }

    /// One logfmt line (with trailing newline). Pure, for tests.
    public static func format(
        time: Double, level: Level, program: String, instance: String, message: String, fields: [(String, String)]
    ) -> String {
        var line = "time=\(formatTimestamp(time)) level=\(level.name) program=\(quote(program))"
        if !instance.isEmpty { line += " instance=\(quote(instance))" }
        line += " msg=\(quote(message))"
        for (key, value) in fields { line += " \(key)=\(quote(value))" }
        line += "\n"
        return line
    }

    /// Quotes a logfmt value when it contains spaces, quotes, `=` or control characters.
    public static func quote(_ value: String) -> String {
        var needsQuotes = value.isEmpty
        for byte in value.utf8
        where byte <= 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\\") {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// RFC 3339 UTC with milliseconds: `2026-11-25T16:40:00.123Z`.
    public static func formatTimestamp(_ seconds: Double) -> String {
        let totalMillis = Int64((seconds * 1000).rounded())
        var whole = time_t(totalMillis / 1000)
        let millis = Int(totalMillis % 1000)
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}

extension Logger {
    /// A logger for a program run by the supervisor: instance from `STACK_SERVICE`/`STACK_INSTANCE`,
    /// level from `LOG_LEVEL`.
    public static func fromEnvironment(program: String) -> Logger {
        func env(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
        var instance = ""
        if let service = env("STACK_SERVICE"), let number = env("STACK_INSTANCE") {
            instance = "\(service)-\(number)"
        }
        let level = env("LOG_LEVEL").flatMap(Level.init(name:)) ?? .info
        return Logger(program: program, instance: instance, minimumLevel: level)
    }
}
