import Core

extension MetricsRegistry {
    /// Runs the collectors, then appends every family in Prometheus text format 0.0.4, sorted by name
    /// (children by label values) so that successive scrapes diff cleanly. Any thread.
    ///
    /// Families with no children yet (labelled families nobody has resolved) are left out, as the Go
    /// client does, rather than written as a bare `# HELP`/`# TYPE` pair.
    public func render(into buffer: inout ByteBuffer) {
        for collect in collectors.withLock({ $0 }) {
            collect()
        }
        let ordered = families.withLock { Array($0.values) }.sorted { $0.name < $1.name }
        for family in ordered {
            family.render(into: &buffer)
        }
    }

    /// The exposition as a string, for tests and for servers that do not write a `ByteBuffer`.
    public func render() -> String {
        var buffer = ByteBuffer(capacity: 4096)
        render(into: &buffer)
        return buffer.description
    }
}
