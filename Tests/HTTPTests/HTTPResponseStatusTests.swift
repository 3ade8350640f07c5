import HTTP
import TestSupport
import Testing

@Suite struct HTTPResponseStatusTests {
    @Test("registered codes have their RFC 9110 reason phrases; others have none")
    func reasonPhrases() {
        #expect(HTTPResponseStatus.ok.reasonPhrase == "OK")
        #expect(HTTPResponseStatus.contentTooLarge.reasonPhrase == "Content Too Large")
        #expect(HTTPResponseStatus.uriTooLong.reasonPhrase == "URI Too Long")
        #expect(HTTPResponseStatus.requestHeaderFieldsTooLarge.reasonPhrase == "Request Header Fields Too Large")
        #expect(HTTPResponseStatus(code: 299).reasonPhrase == "")
        #expect(HTTPResponseStatus.notFound.description == "404 Not Found")
    }

    @Test("1xx, 204 and 304 never have a body")
    func bodylessStatuses() {
        #expect(HTTPResponseStatus.continue.mayNotHaveBody)
        #expect(HTTPResponseStatus.noContent.mayNotHaveBody)
        #expect(HTTPResponseStatus.notModified.mayNotHaveBody)
        #expect(!HTTPResponseStatus.ok.mayNotHaveBody)
    }
}
