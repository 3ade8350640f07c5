import TestSupport
import Testing

@testable import HTTP

@Suite struct RequestIDTests {
    @Test("incoming request ids are kept when sensible and new ones are 32 hex digits")
    func requestIDs() {
        #expect(RequestID.accepted("abc-123_x.y") == "abc-123_x.y")
        #expect(RequestID.accepted("has space") == nil)
        #expect(RequestID.accepted(String(repeating: "a", count: 129)) == nil)
        #expect(RequestID.accepted(nil) == nil)
        var generator = RequestID.Generator(seed: 1)
        let first = generator.next()
        #expect(first.count == 32 && first.allSatisfy(\.isHexDigit))
        #expect(generator.next() != first)
    }
}
