import Testing

@testable import JSON

@Suite struct JSONValueTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test("merging overrides objects member by member and replaces arrays and scalars")
    func merge() throws {
        let base = try parse(#"{"a": {"x": 1, "y": [1, 2]}, "b": "keep", "c": 3}"#)
        let top = try parse(#"{"a": {"y": [9], "z": true}, "c": {"now": "object"}}"#)
        #expect(
            base.merged(with: top)
                == (try parse(#"{"a": {"x": 1, "y": [9], "z": true}, "b": "keep", "c": {"now": "object"}}"#)))
    }

    @Test("pretty printing keeps order, puts scalar arrays on one line and escapes strings")
    func prettyPrinted() throws {
        let value = try parse(#"{"b": ["x", 1], "a": {"q": "say \"hi\""}, "e": [], "n": [{"k": null}]}"#)
        #expect(
            value.prettyPrinted() == """
                {
                  "b": ["x", 1],
                  "a": {
                    "q": "say \\"hi\\""
                  },
                  "e": [],
                  "n": [
                    {
                      "k": null
                    }
                  ]
                }
                """)
    }
}
