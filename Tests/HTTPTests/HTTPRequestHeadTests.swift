import HTTP
import TestSupport
import Testing

@Suite struct HTTPRequestHeadTests {
    @Test("the target splits into path and query at the first question mark")
    func pathAndQuery() {
        let head = HTTPRequestHead(method: .GET, target: "/a/b?x=1?y=2")
        #expect(head.path == "/a/b")
        #expect(head.query == "x=1?y=2")
        #expect(HTTPRequestHead(method: .GET, target: "/plain").query == nil)
        #expect(HTTPRequestHead(method: .GET, target: "/empty?").query == "")
        #expect(HTTPRequestHead(method: .OPTIONS, target: "*").path == "*")
    }

    @Test("Connection: close wins over keep-alive on HTTP/1.0")
    func closeWins() {
        let head = HTTPRequestHead(
            method: .GET, target: "/", version: .http1_0, headers: ["Connection": "keep-alive, close"])
        #expect(!head.isKeepAlive)
    }
}
