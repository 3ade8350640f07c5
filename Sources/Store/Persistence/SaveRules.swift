/// redis.conf's `save` rules: "snapshot after `seconds` if at least `changes` writes happened", any rule
/// being enough. A value: the server asks it once per cron tick with the time and the change count.
public struct SaveRules: Sendable, Equatable {
    /// One `<seconds> <changes>` pair.
    public struct Rule: Sendable, Equatable {
        /// Seconds since the last successful save.
        public var seconds: Int
        /// Changes since then.
        public var changes: Int
    }

    /// The rules, in the order written.
    public var rules: [Rule]

    /// Parses `3600 1 300 100 60 10000`; an empty text is "no rules" (snapshots only on request).
    /// Nil for an odd count or a non-number, as Redis's "Invalid save parameters".
    public init?(_ text: String) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count % 2 == 0 else { return nil }
        var rules: [Rule] = []
        for index in stride(from: 0, to: words.count, by: 2) {
            guard let seconds = Int(words[index]), let changes = Int(words[index + 1]), seconds >= 0, changes >= 0
            else { return nil }
            rules.append(Rule(seconds: seconds, changes: changes))
        }
        self.rules = rules
    }

    /// Whether any rule asks for a snapshot now. After a failed BGSAVE Redis waits 5 s before trying
    /// again (`CONFIG_BGSAVE_RETRY_DELAY`); `secondsSinceLastTry` carries that.
    public func shouldSave(
        changes: Int, secondsSinceLastSave: Int, lastSaveFailed: Bool, secondsSinceLastTry: Int
    )
        -> Bool
    {
        if lastSaveFailed && secondsSinceLastTry < 5 { return false }
        return rules.contains { changes >= $0.changes && secondsSinceLastSave >= $0.seconds }
    }
}
