import HTTP
import Testing

@testable import ShopAPI

@Suite struct BearerTokenTests {
    private func request(authorization: String?) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        return HTTPRequest(head: HTTPRequestHead(method: .GET, target: "/v1/users/a@b.co", headers: headers))
    }

    @Test("a session token is 64 lowercase hex digits (32 random bytes) and never repeats")
    func sessionTokenShape() {
        var seen = Set<String>()
        for _ in 0..<200 {
            let token = BearerToken.newSessionToken()
            #expect(token.utf8.count == 64)
            #expect(token.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(BearerToken.isSessionToken(token))
            seen.insert(token)
        }
        #expect(seen.count == 200)
    }

    @Test("only 64 lowercase hex digits look like a session token")
    func sessionTokenRecognition() {
        #expect(!BearerToken.isSessionToken(""))
        #expect(!BearerToken.isSessionToken(String(repeating: "a", count: 63)))
        #expect(!BearerToken.isSessionToken(String(repeating: "a", count: 65)))
        #expect(!BearerToken.isSessionToken(String(repeating: "A", count: 64)))
        #expect(!BearerToken.isSessionToken(String(repeating: "a", count: 63) + "*"))
        #expect(BearerToken.isSessionToken(String(repeating: "0f", count: 32)))
    }

    @Test("hex renders every byte as two lowercase digits")
    func hex() {
        #expect(BearerToken.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }

    @Test("the bearer token is read from Authorization with the scheme in any case")
    func bearerHeader() {
        #expect(BearerToken.of(request(authorization: "Bearer abc")) == "abc")
        #expect(BearerToken.of(request(authorization: "bearer  abc ")) == "abc")
        #expect(BearerToken.of(request(authorization: nil)) == nil)
        #expect(BearerToken.of(request(authorization: "Basic YTpi")) == nil)
        #expect(BearerToken.of(request(authorization: "Bearer")) == nil)
        #expect(BearerToken.of(request(authorization: "Bearer ")) == nil)
    }

    @Test("constant-time equality is equality, including lengths and prefixes")
    func constantTimeEquals() {
        #expect(BearerToken.constantTimeEquals("", ""))
        #expect(BearerToken.constantTimeEquals("secret-token", "secret-token"))
        #expect(!BearerToken.constantTimeEquals("secret-token", "secret-tokex"))
        #expect(!BearerToken.constantTimeEquals("secret", "secret-token"))
        #expect(!BearerToken.constantTimeEquals("secret-token", "secret"))
        #expect(!BearerToken.constantTimeEquals("", "x"))
        #expect(!BearerToken.constantTimeEquals("\u{0}", ""))
        #expect(!BearerToken.constantTimeEquals("é", "e\u{301}"))
    }

    @Test("the admin token lets its bearer in and answers 401 without a token, 403 with another")
    func adminToken() {
        let admin = AdminToken("admin-token-0123456789")
        #expect(admin.check(request(authorization: "Bearer admin-token-0123456789")) == nil)
        #expect(admin.check(request(authorization: nil))?.status == 401)
        #expect(admin.check(request(authorization: "Bearer admin-token-012345678"))?.status == 403)
        #expect(admin.check(request(authorization: "Basic admin-token-0123456789"))?.status == 401)
        let none = AdminToken(nil)
        #expect(none.check(request(authorization: "Bearer admin-token-0123456789"))?.status == 403)
        #expect(none.check(request(authorization: "Bearer "))?.status == 403)
    }

    @Test("classic writes need the admin token")
    func writeAuthorization() {
        let authorization = WriteAuthorization(adminToken: "admin-token-0123456789")
        #expect(authorization.check(request(authorization: "Bearer admin-token-0123456789")) == nil)
        #expect(authorization.check(request(authorization: nil))?.code == "unauthorized")
        #expect(WriteAuthorization(adminToken: nil).check(request(authorization: nil))?.code == "forbidden")
    }

    @Test("a 401 asks for a bearer token")
    func unauthorizedResponse() {
        let response = ShopError.unauthorized("a bearer token is required").response
        #expect(response.status.code == 401)
        #expect(response.headers.first(name: "WWW-Authenticate") == "Bearer")
    }
}
