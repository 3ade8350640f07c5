#if canImport(Glibc)
    import Glibc
#endif

/// Replication ids: 40 random hex characters naming one history of the data set (Redis's `replid`).
public enum ReplicationID {
    /// A fresh id.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<40).map { _ in digits[Int(generator.next() % 16)] })
    }

    /// The id of no history, which a replica that knows none sends with `PSYNC ? -1`.
    public static let none = String(repeating: "0", count: 40)
}
