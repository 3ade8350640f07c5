import HTTP
import TestSupport
import Testing

@Suite struct HTTPHeadersTests {
    @Test("lookups ignore ASCII case and return the first value")
    func caseInsensitiveLookup() {
        let headers: HTTPHeaders = ["Content-Type": "text/plain", "X-Multi": "1", "x-multi": "2"]
        #expect(headers.first(name: "content-type") == "text/plain")
        #expect(headers.first(name: "CONTENT-TYPE") == "text/plain")
        #expect(headers.first(name: "X-MULTI") == "1")
        #expect(headers["x-multi"] == ["1", "2"])
        #expect(headers.contains(name: "X-Multi"))
        #expect(!headers.contains(name: "X-Mult"))
        #expect(headers.first(name: "missing") == nil)
    }

    @Test("case folding is ASCII letters only: ^ and ~ stay distinct")
    func asciiOnlyFolding() {
        let headers: HTTPHeaders = ["a^b": "caret"]
        #expect(headers.first(name: "A^B") == "caret")
        #expect(headers.first(name: "a~b") == nil)
    }

    @Test("fields keep their order; add keeps duplicates, replaceOrAdd and remove drop them")
    func mutation() {
        var headers = HTTPHeaders()
        headers.add(name: "A", value: "1")
        headers.add(name: "B", value: "2")
        headers.add(name: "a", value: "3")
        #expect(headers.map(\.name) == ["A", "B", "a"])
        headers.replaceOrAdd(name: "A", value: "4")
        #expect(headers.map(\.name) == ["B", "A"])
        #expect(headers.first(name: "a") == "4")
        headers.remove(name: "b")
        #expect(headers.count == 1)
        headers.remove(name: "A")
        #expect(headers.isEmpty)
        headers.add(name: "C", value: "5")
        #expect(headers.first(name: "c") == "5")
    }

    @Test("token lists are searched element by element, ignoring case and whitespace")
    func tokens() {
        let headers: HTTPHeaders = ["Connection": "keep-alive ,  Upgrade", "connection": "TE"]
        #expect(headers.containsToken("upgrade", inFieldsNamed: "connection"))
        #expect(headers.containsToken("Keep-Alive", inFieldsNamed: "Connection"))
        #expect(headers.containsToken("te", inFieldsNamed: "Connection"))
        #expect(!headers.containsToken("close", inFieldsNamed: "Connection"))
        #expect(!headers.containsToken("keep", inFieldsNamed: "Connection"))
    }

    @Test("equality compares names without case and values exactly, in order")
    func equality() {
        #expect(HTTPHeaders(["A": "1"] as KeyValuePairs) == ["a": "1"])
        let lhs: HTTPHeaders = ["A": "1", "B": "2"]
        let rhs: HTTPHeaders = ["B": "2", "A": "1"]
        #expect(lhs != rhs)
        #expect(lhs != ["A": "x", "B": "2"])
    }
}

extension HTTPHeaders {
    fileprivate init(_ pairs: KeyValuePairs<String, String>) {
        self.init(pairs.map { (name: $0.key, value: $0.value) })
    }
}
