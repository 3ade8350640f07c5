import Testing

@testable import JSON

@Suite struct JSONParserTests {
    @Test("objects keep their members in document order")
    func memberOrder() throws {
        let value = try JSONParser.parse(Array(#"{"z": 1, "a": [true, null, "x"], "m": {"k": -2.5}}"#.utf8))
        guard case .object(let object) = value else {
            Issue.record("expected an object")
            return
        }
        #expect(object.keys == ["z", "a", "m"])
        #expect(object["a"] == .array([.bool(true), .null, .string("x")]))
        #expect(object["m"] == .object(JSONObject([("k", .double(-2.5))])))
    }

    @Test("escapes, including surrogate pairs, decode to the characters they name")
    func escapes() throws {
        let value = try JSONParser.parse(Array(#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#.utf8))
        #expect(value == .string("a\"b\\c/d\né😀"))
    }

    @Test(
        "syntax errors report the reason, line and column",
        arguments: [
            ("{\n  \"a\": 1,\n  \"b\" 2\n}", "expected ':' after the member name at line 3, column 7"),
            ("{\"a\": 1,}", "expected a member name in double quotes at line 1, column 9"),
            ("[1, 2", "unexpected end of file at line 1, column 6"),
            ("{\"a\": 01}", "leading zeros are not allowed in numbers at line 1, column 7"),
            ("{} x", "unexpected content after the document at line 1, column 4"),
            ("\"tab\there\"", "unescaped control character in a string at line 1, column 5"),
        ])
    func syntaxErrors(text: String, expected: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(text.utf8)) }
        do {
            _ = try JSONParser.parse(Array(text.utf8))
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test("nesting past the limit is an error, not a stack overflow")
    func depthLimit() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test("integers stay exact and other numbers become doubles")
    func numbers() throws {
        #expect(try JSONParser.parse(Array("9007199254740993".utf8)) == .integer(9_007_199_254_740_993))
        #expect(try JSONParser.parse(Array("1e3".utf8)) == .double(1000))
        #expect(try JSONParser.parse(Array("-0.5".utf8)) == .double(-0.5))
    }
}
