import Core
import Synchronization

/// The metric families one server exposes on `/metrics`, and the collectors that refresh them per scrape.
///
/// Register families at start-up (any thread; registration takes a lock), resolve the labelled children
/// the hot paths need once, keep them, and update them from any thread without a lock. Names, label
/// names and help are checked when registered (see `MetricNaming`): a violation is a programmer error
/// and traps, so whatever is registered renders without a `promtool check metrics` warning.
public final class MetricsRegistry: Sendable {
    /// The `Content-Type` of `render`'s output: Prometheus text format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A registered family of any type, so the table can hold them side by side.
    enum Family: Sendable {
        case counter(CounterFamily)
        case gauge(GaugeFamily)
        case histogram(HistogramFamily)

        /// The family's type, to detect a name registered twice with different types.
        var type: MetricType {
            switch self {
            case .counter: .counter
            case .gauge: .gauge
            case .histogram: .histogram
            }
        }
    }

    /// Every family by name. Locked for registration and to take the list at scrape time, never to update.
    let families = Mutex<[String: Family]>([:])
    /// The scrape-time hooks, in the order added.
    let collectors = Mutex<[@Sendable () -> Void]>([])

    /// An empty registry.
    public init() {}

    // MARK: - Registration

    /// The counter family `name` (which must end in `_total`), registered on first call.
    ///
    /// Registering an existing name again returns the existing family when the type, help and label
    /// names match, and traps otherwise.
    public func counter(name: String, help: String, labelNames: [String]) -> CounterFamily {
        let family = register(name: name, type: .counter, help: help, labelNames: labelNames) {
            .counter(CounterFamily(name: name, help: help, labelNames: labelNames))
        }
        guard case .counter(let counters) = family else { preconditionFailure("unreachable: type checked") }
        return counters
    }

    /// The unlabelled counter `name` (which must end in `_total`), registered on first call.
    public func counter(name: String, help: String) -> Counter {
        counter(name: name, help: help, labelNames: []).labels()
    }

    /// The gauge family `name`, registered on first call (same rules as `counter`).
    public func gauge(name: String, help: String, labelNames: [String]) -> GaugeFamily {
        let family = register(name: name, type: .gauge, help: help, labelNames: labelNames) {
            .gauge(GaugeFamily(name: name, help: help, labelNames: labelNames))
        }
        guard case .gauge(let gauges) = family else { preconditionFailure("unreachable: type checked") }
        return gauges
    }

    /// The unlabelled gauge `name`, registered on first call.
    public func gauge(name: String, help: String) -> Gauge {
        gauge(name: name, help: help, labelNames: []).labels()
    }

    /// The histogram family `name` with finite, strictly increasing `buckets` (a trailing `+Inf` is
    /// implied and may be omitted), registered on first call; re-registration must repeat the buckets.
    public func histogram(
        name: String, help: String, labelNames: [String], buckets: [Double] = Histogram.defaultBuckets
    ) -> HistogramFamily {
        let bounds = buckets.last == .infinity ? Array(buckets.dropLast()) : buckets
        precondition(
            bounds.allSatisfy(\.isFinite) && zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 },
            "\(name): histogram buckets must be finite and strictly increasing, got \(buckets)")
        let family = register(name: name, type: .histogram, help: help, labelNames: labelNames) {
            .histogram(HistogramFamily(name: name, help: help, labelNames: labelNames, upperBounds: bounds))
        }
        guard case .histogram(let histograms) = family else { preconditionFailure("unreachable: type checked") }
        precondition(
            histograms.upperBounds == bounds,
            "\(name) is already registered with buckets \(histograms.upperBounds), not \(bounds)")
        return histograms
    }

    /// The unlabelled histogram `name`, registered on first call.
    public func histogram(name: String, help: String, buckets: [Double] = Histogram.defaultBuckets) -> Histogram {
        histogram(name: name, help: help, labelNames: [], buckets: buckets).labels()
    }

    /// Adds `collect`, called at the start of every `render` to refresh gauges from state read at scrape
    /// time (process figures from /proc, a loop's lag, a value one thread owns and publishes).
    ///
    /// Collectors run on the scraping thread, in the order added, possibly concurrently with each other
    /// when two scrapes overlap; they may register and look up metrics but must not call `render`.
    public func addCollector(_ collect: @escaping @Sendable () -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    private func register(
        name: String, type: MetricType, help: String, labelNames: [String], make: () -> Family
    ) -> Family {
        MetricNaming.validate(name: name, type: type, help: help, labelNames: labelNames)
        return families.withLock { families in
            guard let existing = families[name] else {
                let family = make()
                families[name] = family
                return family
            }
            precondition(
                existing.type == type,
                "\(name) is already registered as a \(existing.type.rawValue), not a \(type.rawValue)")
            let (existingHelp, existingLabels) = existing.helpAndLabelNames
            precondition(existingHelp == help, "\(name) is already registered with different help text")
            precondition(
                existingLabels == labelNames,
                "\(name) is already registered with label names \(existingLabels), not \(labelNames)")
            return existing
        }
    }
}

extension MetricsRegistry.Family {
    /// What a re-registration must repeat.
    var helpAndLabelNames: (help: String, labelNames: [String]) {
        switch self {
        case .counter(let family): (family.help, family.labelNames)
        case .gauge(let family): (family.help, family.labelNames)
        case .histogram(let family): (family.help, family.labelNames)
        }
    }

    /// The family name, for sorting the exposition.
    var name: String {
        switch self {
        case .counter(let family): family.name
        case .gauge(let family): family.name
        case .histogram(let family): family.name
        }
    }

    /// Appends the family in text format.
    func render(into buffer: inout ByteBuffer) {
        switch self {
        case .counter(let family): family.render(into: &buffer)
        case .gauge(let family): family.render(into: &buffer)
        case .histogram(let family): family.render(into: &buffer)
        }
    }
}
