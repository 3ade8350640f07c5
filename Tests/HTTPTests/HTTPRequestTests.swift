import HTTP
import TestSupport
import Testing

@Suite struct HTTPRequestTests {
    private func request(_ target: String) -> HTTPRequest {
        HTTPRequest(head: HTTPRequestHead(method: .GET, target: target))
    }

    @Test("query parameters are percent-decoded with + as a space")
    func decodesValues() {
        let search = request("/search?q=red+shoes&size=10%25&name=caf%C3%A9&sum=1%2B1")
        #expect(search.queryParameter("q") == "red shoes")
        #expect(search.queryParameter("size") == "10%")
        #expect(search.queryParameter("name") == "café")
        #expect(search.queryParameter("sum") == "1+1")
    }

    @Test("a parameter name is matched after decoding")
    func decodesNames() {
        let search = request("/search?filter%5Bcolor%5D=red&two+words=yes")
        #expect(search.queryParameter("filter[color]") == "red")
        #expect(search.queryParameter("two words") == "yes")
    }

    @Test("an absent parameter is nil, a bare name or an empty value is the empty string")
    func absentAndEmpty() {
        let search = request("/search?flag&empty=&&x=1")
        #expect(search.queryParameter("flag") == "")
        #expect(search.queryParameter("empty") == "")
        #expect(search.queryParameter("x") == "1")
        #expect(search.queryParameter("missing") == nil)
        #expect(request("/search").queryParameter("x") == nil)
        #expect(request("/search?").queryParameter("x") == nil)
    }

    @Test("the first of repeated parameters wins and a value may hold an equals sign")
    func firstWinsAndEqualsInValue() {
        let search = request("/search?tag=a&tag=b&expr=x%3Dy=z")
        #expect(search.queryParameter("tag") == "a")
        #expect(search.queryParameter("expr") == "x=y=z")
    }

    @Test("the path of a request excludes its query")
    func pathExcludesQuery() {
        #expect(request("/search?q=1").path == "/search")
    }
}
