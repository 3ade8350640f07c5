import Testing

@testable import Store

@Suite struct GlobPatternTests {
    @Test(
        "patterns match as Redis's stringmatchlen",
        arguments: [
            ("*", "anything", true), ("h?llo", "hello", true), ("h?llo", "hllo", false), ("h*llo", "heeeello", true),
            ("h[ae]llo", "hallo", true), ("h[ae]llo", "hillo", false), ("h[^e]llo", "hallo", true),
            ("h[^e]llo", "hello", false), ("h[a-b]llo", "hbllo", true), ("h[b-a]llo", "hallo", true),
            ("h\\*llo", "h*llo", true), ("h\\*llo", "hello", false), ("user:*:name", "user:42:name", true),
            ("a*b*c", "abc", true), ("a*b*c", "acb", false), ("[\\]]", "]", true), ("ab[", "ab", false),
            ("", "", true), ("**", "", true),
        ])
    func matches(pattern: String, string: String, expected: Bool) {
        #expect(GlobPattern.matches(pattern, string) == expected)
    }

    @Test("a pathological pattern gives up instead of running for ever")
    func pathological() {
        let pattern = String(repeating: "a*", count: 40) + "b"
        #expect(!GlobPattern.matches(pattern, String(repeating: "a", count: 60)))
    }
}
