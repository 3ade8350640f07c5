import HTTP
import TestSupport
import Testing

@Suite struct HTTPParserErrorTests {
    @Test("the message reads 'unable to parse request: <reason>'")
    func message() {
        #expect(HTTPParserError(.missingHost).message == "unable to parse request: missing Host header")
        #expect(
            HTTPParserError(.bodyTooLarge, isRequest: false).description == "unable to parse response: body too large")
    }

    @Test("limits map to 413, 414 and 431; unsupported features to 501 and 505")
    func statuses() {
        #expect(HTTPParserError(.bodyTooLarge).status == .contentTooLarge)
        #expect(HTTPParserError(.startLineTooLong).status == .uriTooLong)
        #expect(HTTPParserError(.headersTooLarge).status == .requestHeaderFieldsTooLarge)
        #expect(HTTPParserError(.tooManyHeaders).status == .requestHeaderFieldsTooLarge)
        #expect(HTTPParserError(.unsupportedTransferEncoding).status == .notImplemented)
        #expect(HTTPParserError(.unsupportedVersion).status == .httpVersionNotSupported)
        #expect(HTTPParserError(.invalidChunkSize).status == .badRequest)
        #expect(HTTPParserError(.unsupportedVersion, isRequest: false).status == .badGateway)
    }
}
