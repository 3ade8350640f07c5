import Core
import JSON
import Manifest
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// `stack top`: CPU %, RSS, restarts and uptime per instance, from /proc.
enum ProcessTop {
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// One row; CPU % is averaged since the previous sample of the same process (or since it started).
    static func sample(_ instance: InstanceRuntime) -> JSONValue {
        var object = JSONObject([("name", .string(instance.name)), ("service", .string(instance.service.name))])
        object["restarts"] = .integer(instance.restarts)
        guard let pid = instance.machine.pid, let started = instance.startedAtWall,
            let ticks = cpuTicks(pid)
        else {
            object["pid"] = .null
            object["cpu_percent"] = .null
            object["rss_bytes"] = .null
            object["uptime_seconds"] = .null
            return .object(object)
        }
        let now = wallClockSeconds()
        let previous = instance.cpuSample ?? (0, started)
        let elapsed = max(now - previous.wall, 0.001)
        let percent = Double(ticks - previous.ticks) / ticksPerSecond / elapsed * 100
        instance.cpuSample = (ticks, now)
        object["pid"] = .integer(Int(pid))
        object["cpu_percent"] = .double((percent * 10).rounded() / 10)
        object["rss_bytes"] = residentBytes(pid).map { .integer($0) } ?? .null
        object["uptime_seconds"] = .integer(Int(now - started))
        return .object(object)
    }

    /// utime + stime of `pid` in clock ticks (fields 14 and 15 of /proc/PID/stat, after the comm field).
    static func cpuTicks(_ pid: Int32) -> Int? {
        guard let bytes = try? FileSystem.read("/proc/\(pid)/stat"),
            let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        let fields = bytes[(close + 2)...].split(separator: UInt8(ascii: " "))
        // After ")": state is field 3, so utime (14) and stime (15) are at offsets 11 and 12.
        guard fields.count > 12, let user = Int(String(decoding: fields[11], as: UTF8.self)),
            let system = Int(String(decoding: fields[12], as: UTF8.self))
        else { return nil }
        return user + system
    }

    /// Resident set size of `pid` (second field of /proc/PID/statm, in pages).
    static func residentBytes(_ pid: Int32) -> Int? {
        guard let bytes = try? FileSystem.read("/proc/\(pid)/statm") else { return nil }
        let fields = bytes.split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * pageSize
    }
}
