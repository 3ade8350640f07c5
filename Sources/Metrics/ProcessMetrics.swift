#if canImport(Glibc)
    import Glibc
#endif

/// The standard `process_*` metrics every Prometheus client exports, read from /proc/self at scrape time.
///
/// `register(in:)` adds the families and a collector that calls `refresh()` before each render, so the
/// figures cost nothing between scrapes. Names and help match the Go client, so dashboards built for
/// other exporters work unchanged. Linux only.
public final class ProcessMetrics: Sendable {
    private let cpuSeconds: Counter
    private let residentMemory: Gauge
    private let virtualMemory: Gauge
    private let openFileDescriptors: Gauge
    private let maxFileDescriptors: Gauge
    private let startTime: Gauge
    private let ticksPerSecond: Double
    private let pageSize: Double

    /// Registers the process families in `registry` and a collector that refreshes them on every scrape.
    @discardableResult
    public static func register(in registry: MetricsRegistry) -> ProcessMetrics {
        let metrics = ProcessMetrics(registry: registry)
        registry.addCollector { metrics.refresh() }
        return metrics
    }

    private init(registry: MetricsRegistry) {
        cpuSeconds = registry.counter(
            name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.")
        residentMemory = registry.gauge(
            name: "process_resident_memory_bytes", help: "Resident memory size in bytes.")
        virtualMemory = registry.gauge(name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes.")
        openFileDescriptors = registry.gauge(name: "process_open_fds", help: "Number of open file descriptors.")
        maxFileDescriptors = registry.gauge(
            name: "process_max_fds", help: "Maximum number of open file descriptors.")
        startTime = registry.gauge(
            name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.")
        ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        // The start time never changes and needs /proc/stat, which is long on many-CPU machines: read it once.
        if let stat = ProcFile.read("/proc/self/stat").flatMap(ProcessStat.init),
            let bootTime = ProcFile.read("/proc/stat").flatMap(ProcessStat.bootTime(fromSystemStat:))
        {
            startTime.set(Double(bootTime) + Double(stat.startTicks) / ticksPerSecond)
        }
    }

    /// Reads /proc/self and the file descriptor limit into the gauges. Any thread; a value that cannot
    /// be read keeps its previous one.
    public func refresh() {
        if let stat = ProcFile.read("/proc/self/stat").flatMap(ProcessStat.init) {
            cpuSeconds.mirror(Double(stat.userTicks + stat.systemTicks) / ticksPerSecond)
            residentMemory.set(Double(stat.residentPages) * pageSize)
            virtualMemory.set(Double(stat.virtualMemoryBytes))
        }
        // Minus one: the directory stream that does the counting holds a descriptor of its own.
        if let entries = ProcFile.countEntries("/proc/self/fd") {
            openFileDescriptors.set(Double(max(entries - 1, 0)))
        }
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            maxFileDescriptors.set(Double(limit.rlim_cur))
        }
    }
}
