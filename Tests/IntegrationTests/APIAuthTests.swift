import Core
import Foundation
import Testing

/// The built `api` (with `SECRET_KEY` and `API_ADMIN_TOKEN` in its environment) in front of the built
/// `store`: registration, sessions, who may read and change whom, and the admin token on classic writes.
///
/// Serialised: the tests share the store address 127.0.81.1:6379; each starts a fresh store.
@Suite(.serialized) struct APIAuthTests {
    static let store = "127.0.81.1:6379"
    static let adminToken = "auth-admin-token-0123456789abcdef"
    static let secretKey = "auth-secret-key-0123456789abcdef"
    static let json = "Content-Type: application/json"

    /// An answer as curl saw it.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// A store and an api in front of it, and every answer the test received (to search for leaks).
    final class Stack: @unchecked Sendable {
        // @unchecked Sendable: used by one test's thread only.
        let store: ServerProcess
        let api: ServerProcess
        let base: String
        var bodies: [String] = []

        init(apiHost: String = "127.0.81.2", environment: [String: String]) throws {
            let parts = APIAuthTests.store.split(separator: ":").map(String.init)
            store = try ServerProcess(
                "store", ["--bind", parts[0], "--port", parts[1], "--save", "", "--metrics-port", "-1"])
            _ = try store.waitForAddress()
            api = try ServerProcess(
                "api", ["--bind", apiHost, "--port", "0", "--store", APIAuthTests.store, "--threads", "2"],
                environment: environment)
            base = "http://\(try api.waitForAddress())"
        }

        func stop() {
            api.stop()
            store.stop()
        }

        /// One request with curl; `token` goes in `Authorization: Bearer`.
        func request(_ method: String, _ path: String, json: String? = nil, token: String? = nil) throws -> Answer {
            var arguments = ["-sS", "-i", "--max-time", "10", "-X", method, base + path]
            if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
            if let json { arguments += ["-H", APIAuthTests.json, "--data-binary", json] }
            let result = try runTool("curl", arguments)
            guard result.status == 0, let split = result.stdout.range(of: "\r\n\r\n") else {
                throw TestFailure("curl \(arguments): \(result.status) \(result.stderr)")
            }
            let headLines = result.stdout[..<split.lowerBound].components(separatedBy: "\r\n")
            var headers: [String: String] = [:]
            for line in headLines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
            let body = String(result.stdout[split.upperBound...])
            bodies.append(body)
            return Answer(status: Int(headLines[0].split(separator: " ")[1]) ?? 0, headers: headers, body: body)
        }

        /// Logs in; returns the token.
        func logIn(_ email: String, _ password: String) throws -> String {
            let answer = try request("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
            #expect(answer.status == 201, "log-in of \(email): \(answer.body)")
            return try #require(try object(answer)["token"] as? String)
        }
    }

    static func object(_ answer: Answer) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(answer.body.utf8))
        return try #require(value as? [String: Any], "not a JSON object: \(answer.body)")
    }

    private func object(_ answer: Answer) throws -> [String: Any] { try Self.object(answer) }

    private func errorCode(_ answer: Answer) throws -> String? {
        (try object(answer)["error"] as? [String: Any])?["code"] as? String
    }

    private func register(_ stack: Stack, _ email: String, _ password: String, first: String = "Ann") throws -> Answer {
        try stack.request(
            "POST", "/v1/users",
            json: #"{"email":"\#(email)","password":"\#(password)","first_name":"\#(first)","last_name":"Lee"}"#)
    }

    private var secrets: [String: String] { ["API_ADMIN_TOKEN": Self.adminToken, "SECRET_KEY": Self.secretKey] }

    @Test("a user registers, logs in, reads and changes themself, logs out, and the token then stops working")
    func sessionLifecycle() throws {
        let stack = try Stack(environment: secrets)
        defer { stack.stop() }
        let created = try register(stack, "ann@example.com", "correct horse")
        #expect(created.status == 201)
        #expect(try object(created).keys.sorted() == ["email", "first_name", "last_name"])
        #expect(try register(stack, "ann@example.com", "another horse").status == 409)

        let login = try stack.request(
            "POST", "/v1/sessions", json: #"{"email":"ann@example.com","password":"correct horse"}"#)
        #expect(login.status == 201)
        let token = try #require(try object(login)["token"] as? String)
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
        #expect(try object(login)["expires_in"] as? Int == 86_400)
        let ttl = try runTool("redis-cli", ["-h", "127.0.81.1", "-p", "6379", "TTL", "session:\(token)"])
        #expect((86_390...86_400).contains(Int(ttl.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0))

        let me = try stack.request("GET", "/v1/users/ann@example.com", token: token)
        #expect(try me.status == 200 && (object(me)["first_name"] as? String) == "Ann")
        let changed = try stack.request(
            "PATCH", "/v1/users/ann@example.com", json: #"{"first_name":"Anne","password":"new horse!"}"#, token: token)
        #expect(try changed.status == 200 && (object(changed)["first_name"] as? String) == "Anne")
        // The classic GET answers the same document, still without the hash.
        let classic = try stack.request("GET", "/user?user=ann@example.com")
        #expect(try object(classic).keys.sorted() == ["email", "first_name", "last_name"])
        #expect(
            try stack.request("POST", "/v1/sessions", json: #"{"email":"ann@example.com","password":"correct horse"}"#)
                .status == 401)
        let second = try stack.logIn("ann@example.com", "new horse!")

        #expect(try stack.request("DELETE", "/v1/sessions", token: token).status == 204)
        let afterLogout = try stack.request("GET", "/v1/users/ann@example.com", token: token)
        #expect(afterLogout.status == 401 && afterLogout.headers["www-authenticate"] == "Bearer")
        #expect(try stack.request("DELETE", "/v1/sessions", token: token).status == 401)

        // Deleting the user deletes their remaining sessions and their password.
        #expect(try stack.request("DELETE", "/v1/users/ann@example.com", token: second).status == 204)
        #expect(try stack.request("GET", "/v1/users/ann@example.com", token: second).status == 401)
        #expect(try stack.request("GET", "/v1/users/ann@example.com", token: Self.adminToken).status == 404)
        #expect(
            try stack.request("POST", "/v1/sessions", json: #"{"email":"ann@example.com","password":"new horse!"}"#)
                .status == 401)
        #expect(try register(stack, "ann@example.com", "correct horse").status == 201)
        assertNoLeaks(stack, passwords: ["correct horse", "another horse", "new horse!"])
    }

    @Test("without a token, with a bad one, or as another user the v1 user routes answer 401 or 403")
    func refusals() throws {
        let stack = try Stack(environment: secrets)
        defer { stack.stop() }
        #expect(try register(stack, "ann@example.com", "correct horse").status == 201)
        #expect(try register(stack, "bob@example.com", "battery staple", first: "Bob").status == 201)
        let bob = try stack.logIn("bob@example.com", "battery staple")

        let anonymous = try stack.request("GET", "/v1/users/ann@example.com")
        #expect(try anonymous.status == 401 && errorCode(anonymous) == "unauthorized")
        #expect(try stack.request("GET", "/v1/users/ann@example.com", token: "not-a-token").status == 401)
        #expect(
            try stack.request("GET", "/v1/users/ann@example.com", token: String(repeating: "ab", count: 32)).status
                == 401)
        let other = try stack.request("GET", "/v1/users/ann@example.com", token: bob)
        #expect(try other.status == 403 && errorCode(other) == "forbidden")
        #expect(
            try stack.request("PATCH", "/v1/users/ann@example.com", json: #"{"first_name":"X"}"#, token: bob).status
                == 403)
        #expect(try stack.request("DELETE", "/v1/users/ann@example.com", token: bob).status == 403)
        #expect(try stack.request("GET", "/v1/users/ann@example.com", token: Self.adminToken).status == 200)
        #expect(try stack.request("GET", "/v1/users/nobody@example.com", token: Self.adminToken).status == 404)

        // A wrong password and an unknown email get the same answer.
        let wrong = try stack.request(
            "POST", "/v1/sessions", json: #"{"email":"ann@example.com","password":"wrong horse"}"#)
        let unknown = try stack.request(
            "POST", "/v1/sessions", json: #"{"email":"zed@example.com","password":"wrong horse"}"#)
        #expect(wrong.status == 401 && unknown.status == 401 && wrong.body == unknown.body)

        // Validation names each field.
        let invalid = try stack.request(
            "POST", "/v1/users", json: #"{"email":"nope","password":"short","first_name":""}"#)
        #expect(invalid.status == 422)
        let fields = try #require((try object(invalid)["error"] as? [String: Any])?["fields"] as? [String: String])
        #expect(Set(fields.keys) == ["email", "password", "first_name", "last_name"])
        #expect(try stack.request("POST", "/v1/sessions", json: "{}").status == 422)
        assertNoLeaks(stack, passwords: ["correct horse", "battery staple", "wrong horse"])
    }

    @Test("classic writes need the admin token: 401 without one, 403 with another, and 403 when none is configured")
    func classicWrites() throws {
        let user = #"{"email":"cat@example.com","first_name":"Cat","last_name":"Dog"}"#
        let product =
            #"{"id":9,"name":"Pen","category":"office","company":"Acme","is_sold":false,"#
            + #""date_manufactured":"2024-02-29","cost":"1"}"#
        do {
            let stack = try Stack(environment: secrets)
            defer { stack.stop() }
            #expect(try register(stack, "ann@example.com", "correct horse").status == 201)
            let ann = try stack.logIn("ann@example.com", "correct horse")
            for (path, body) in [("/user", user), ("/product", product)] {
                #expect(try stack.request("POST", path, json: body).status == 401)
                #expect(try stack.request("POST", path, json: body, token: ann).status == 403)
                #expect(try stack.request("POST", path, json: body, token: Self.adminToken + "x").status == 403)
                #expect(try stack.request("POST", path, json: body, token: Self.adminToken).status == 201)
                #expect(try stack.request("PUT", path, json: body).status == 401)
                #expect(try stack.request("PUT", path, json: body, token: Self.adminToken).status == 200)
            }
            #expect(
                try stack.request("DELETE", "/user", json: #"{"email":"cat@example.com"}"#, token: ann).status == 403)
            #expect(try stack.request("DELETE", "/product", json: #"{"id":9}"#).status == 401)
            #expect(try stack.request("DELETE", "/product", json: #"{"id":9}"#, token: Self.adminToken).status == 200)
            // Reads stay open to everyone.
            #expect(try stack.request("GET", "/user?user=cat@example.com").status == 200)
            // A classic delete of a v1 user takes the password with it.
            #expect(
                try stack.request("DELETE", "/user", json: #"{"email":"ann@example.com"}"#, token: Self.adminToken)
                    .status == 200)
            #expect(
                try stack.request(
                    "POST", "/v1/sessions", json: #"{"email":"ann@example.com","password":"correct horse"}"#
                )
                .status == 401)
            #expect(try register(stack, "ann@example.com", "correct horse").status == 201)
            #expect(!stack.api.stderr.contains(Self.adminToken) && !stack.api.stderr.contains(Self.secretKey))
        }
        // No admin token configured: nobody may write, and the api says so when it starts.
        let stack = try Stack(apiHost: "127.0.81.3", environment: ["SECRET_KEY": Self.secretKey])
        defer { stack.stop() }
        #expect(try stack.request("POST", "/user", json: user, token: Self.adminToken).status == 403)
        #expect(try stack.request("POST", "/user", json: user).status == 403)
        #expect(stack.api.stderr.contains("level=warn") && stack.api.stderr.contains("API_ADMIN_TOKEN is not set"))
        #expect(stack.api.stderr.contains("admin_token=no"))
    }

    /// No answer and no log line carries a password hash or a password in clear.
    private func assertNoLeaks(_ stack: Stack, passwords: [String]) {
        let log = stack.api.stderr
        for text in stack.bodies + [log] {
            #expect(!text.contains("$y$"), "a password hash leaked: \(text)")
            #expect(!text.contains("password_hash"))
            for password in passwords { #expect(!text.contains(password), "a password leaked: \(text)") }
        }
        #expect(log.contains("route=/v1/sessions status=201"))
    }
}
