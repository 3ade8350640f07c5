/// The fields of /proc/<pid>/stat (see proc(5)) that the standard process metrics need.
///
/// Times are in clock ticks (`sysconf(_SC_CLK_TCK)`), memory in bytes and pages as the kernel reports.
struct ProcessStat: Equatable {
    /// CPU time spent in user mode, in clock ticks (field 14).
    var userTicks: UInt64
    /// CPU time spent in kernel mode, in clock ticks (field 15).
    var systemTicks: UInt64
    /// When the process started, in clock ticks after boot (field 22).
    var startTicks: UInt64
    /// Virtual memory size in bytes (field 23).
    var virtualMemoryBytes: UInt64
    /// Resident set size in pages (field 24).
    var residentPages: UInt64

    /// Parses the content of a stat file, or nil when it is malformed.
    ///
    /// Field 2, the command name, is parenthesised but may itself contain spaces and parentheses
    /// (`(a) (b)`), so the fields are counted from the last `)` rather than split from the start.
    init?(_ bytes: [UInt8]) {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // After ") " come fields 3 (state), 4, 5...: field n is at index n - 3.
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        func field(_ number: Int) -> UInt64? {
            let index = number - 3
            return index < fields.count ? ProcFile.parseUnsigned(fields[index]) : nil
        }
        guard let user = field(14), let system = field(15), let start = field(22), let virtual = field(23),
            let resident = field(24)
        else { return nil }
        userTicks = user
        systemTicks = system
        startTicks = start
        virtualMemoryBytes = virtual
        residentPages = resident
    }

    /// The boot time (`btime`, seconds since the epoch) from the content of /proc/stat, or nil.
    static func bootTime(fromSystemStat bytes: [UInt8]) -> UInt64? {
        let key = Array("btime ".utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: key) {
            return ProcFile.parseUnsigned(line.dropFirst(key.count))
        }
        return nil
    }
}
