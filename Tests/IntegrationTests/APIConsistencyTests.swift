import Core
import Foundation
import Testing

/// The built `api` in front of the built `store`: writes that must not lose each other's effects. A classic
/// product write keeps the v1 price and the listing's indexes; concurrent user PATCHes both land; a password
/// change or a deletion ends the sessions it should; purchases racing catalog writes keep the stock exact.
///
/// Addresses of its own (127.0.0.95 store, 127.0.0.96 api); serialised because the store uses a fixed port.
@Suite(.serialized) struct APIConsistencyTests {
    static let storeHost = "127.0.0.95"
    static let adminToken = "consistency-admin-token-0123456789"

    /// A store and an api in front of it.
    final class Stack: @unchecked Sendable {
        // @unchecked Sendable: used by one test's thread only.
        let store: ServerProcess
        let api: ServerProcess
        let base: String

        init() throws {
            store = try ServerProcess(
                "store",
                ["--bind", APIConsistencyTests.storeHost, "--port", "6379", "--save", "", "--metrics-port", "-1"])
            _ = try store.waitForAddress()
            api = try ServerProcess(
                "api",
                [
                    "--bind", "127.0.0.96", "--port", "0", "--store", "\(APIConsistencyTests.storeHost):6379",
                    "--threads", "2",
                ],
                environment: ["API_ADMIN_TOKEN": APIConsistencyTests.adminToken])
            base = "http://\(try api.waitForAddress())"
        }

        func stop() {
            api.stop()
            store.stop()
        }

        /// One request with curl: the status and the body parsed as JSON (empty when it is not an object).
        func request(
            _ method: String, _ path: String, json: String? = nil, token: String? = nil
        ) throws -> (
            status: Int, body: [String: Any]
        ) {
            var arguments = ["-sS", "--max-time", "10", "-w", "\n%{http_code}", "-X", method, base + path]
            if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
            if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
            let result = try runTool("curl", arguments)
            guard result.status == 0, let newline = result.stdout.lastIndex(of: "\n") else {
                throw TestFailure("curl \(arguments): \(result.status) \(result.stderr)")
            }
            let text = String(result.stdout[..<newline])
            let body = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            return (Int(result.stdout[result.stdout.index(after: newline)...]) ?? 0, body)
        }

        /// Requests in parallel with one curl (each its own connection); `"<method> <status>"` of each, in the
        /// order they finished.
        func parallel(_ requests: [(method: String, path: String, json: String?, token: String?)]) throws -> [String] {
            var arguments = ["-s", "-Z", "--parallel-immediate", "--parallel-max", "100"]
            for (index, request) in requests.enumerated() {
                if index > 0 { arguments.append("--next") }
                arguments += [
                    "--max-time", "10", "-o", "/dev/null", "-w", "%{method} %{http_code}\\n", "-X", request.method,
                ]
                if let token = request.token { arguments += ["-H", "Authorization: Bearer \(token)"] }
                if let json = request.json {
                    arguments += ["-H", "Content-Type: application/json", "--data-binary", json]
                }
                arguments.append(base + request.path)
            }
            return try runTool("curl", arguments, timeout: 60).stdout.split(separator: "\n").map(String.init)
        }

        /// Registers `email` and logs in `sessions` times; the tokens.
        func registerAndLogIn(_ email: String, sessions: Int) throws -> [String] {
            let registration = #"{"email":"\#(email)","password":"correct horse","first_name":"Ann","last_name":"Lee"}"#
            guard try request("POST", "/v1/users", json: registration).status == 201 else {
                throw TestFailure("unable to register \(email)")
            }
            return try (0..<sessions).map { _ in
                let answer = try request(
                    "POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"correct horse"}"#)
                return try #require(answer.body["token"] as? String, "log-in of \(email): \(answer)")
            }
        }

        /// The ids of `GET /v1/products` (with `query`), every page.
        func listedIDs(_ query: String = "") throws -> [Int] {
            let answer = try request("GET", "/v1/products?limit=100" + query)
            return (answer.body["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        }
    }

    private func cli(_ arguments: String...) throws -> String {
        try runTool("redis-cli", ["-h", Self.storeHost, "-p", "6379"] + arguments).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    private func classicProduct(_ id: Int, category: String, name: String = "Pen") -> String {
        #"{"id":\#(id),"name":"\#(name)","category":"\#(category)","company":"Acme","is_sold":false,"#
            + #""date_manufactured":"2024-02-29","cost":"1.5"}"#
    }

    private func catalogProduct(_ id: Int, category: String, price: Int, stock: Int) -> String {
        String(classicProduct(id, category: category).dropLast()) + #","price":\#(price),"stock":\#(stock)}"#
    }

    @Test("a classic PUT keeps the v1 price; classic writes keep the listing and its category indexes")
    func classicProductWrites() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let admin = Self.adminToken
        let created = try stack.request(
            "POST", "/v1/products", json: catalogProduct(1, category: "office", price: 250, stock: 5), token: admin)
        #expect(created.status == 201)

        // A classic client moves product 1 to another category: the price stays, the indexes follow.
        let moved = try stack.request("PUT", "/product", json: classicProduct(1, category: "garden"), token: admin)
        #expect(moved.status == 200)
        #expect(moved.body["price"] as? Int == 250)
        #expect(moved.body["category"] as? String == "garden")
        let read = try stack.request("GET", "/v1/products/1")
        #expect(read.body["price"] as? Int == 250 && read.body["stock"] as? Int == 5)
        #expect(try stack.listedIDs("&category=garden") == [1])
        #expect(try stack.listedIDs("&category=office") == [])

        // A product a classic client creates is listed (without a price: not for sale); deleted, it is not.
        let classic = try stack.request("POST", "/product", json: classicProduct(2, category: "garden"), token: admin)
        #expect(classic.status == 201)
        #expect(classic.body["price"] == nil)
        #expect(try stack.listedIDs() == [1, 2])
        #expect(try stack.listedIDs("&category=garden") == [1, 2])
        #expect(
            try stack.request("POST", "/product", json: classicProduct(2, category: "x"), token: admin).status == 409)
        #expect(
            try stack.request("PUT", "/product", json: classicProduct(3, category: "x"), token: admin).status == 404)

        try #require(try cli("SET", "stock:2", "7") == "OK")
        let deleted = try stack.request("DELETE", "/product", json: #"{"id":2}"#, token: admin)
        #expect(deleted.status == 200)
        #expect(try stack.listedIDs() == [1])
        #expect(try stack.listedIDs("&category=garden") == [1])
        #expect(try cli("EXISTS", "stock:2") == "0")
        #expect(try stack.request("DELETE", "/product", json: #"{"id":2}"#, token: admin).status == 404)
        #expect(try stack.request("GET", "/v1/products/2").status == 404)
    }

    @Test("two PATCHes of different names at once both land, round after round")
    func concurrentNamePatches() throws {
        let stack = try Stack()
        defer { stack.stop() }
        _ = try stack.registerAndLogIn("ann@example.com", sessions: 0)
        var lost: [String] = []
        for round in 0..<30 {
            let codes = try stack.parallel([
                ("PATCH", "/v1/users/ann@example.com", #"{"first_name":"First\#(round)"}"#, Self.adminToken),
                ("PATCH", "/v1/users/ann@example.com", #"{"last_name":"Last\#(round)"}"#, Self.adminToken),
            ])
            #expect(codes == ["PATCH 200", "PATCH 200"])
            let user = try stack.request("GET", "/user?user=ann@example.com").body
            if user["first_name"] as? String != "First\(round)" || user["last_name"] as? String != "Last\(round)" {
                lost.append("round \(round): \(user)")
            }
        }
        #expect(lost.isEmpty, "lost updates: \(lost)")
    }

    @Test("a password change ends the user's other sessions and keeps the caller's; an admin's change ends all")
    func passwordChangeEndsSessions() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let tokens = try stack.registerAndLogIn("ann@example.com", sessions: 3)
        let me = "/v1/users/ann@example.com"
        #expect(try stack.request("PATCH", me, json: #"{"first_name":"Anne"}"#, token: tokens[0]).status == 200)
        #expect(try stack.request("GET", me, token: tokens[1]).status == 200)

        #expect(try stack.request("PATCH", me, json: #"{"password":"new horse!"}"#, token: tokens[0]).status == 200)
        #expect(try stack.request("GET", me, token: tokens[0]).status == 200)
        #expect(try stack.request("GET", me, token: tokens[1]).status == 401)
        #expect(try stack.request("GET", me, token: tokens[2]).status == 401)
        #expect(try cli("SMEMBERS", "sessions:ann@example.com") == tokens[0])

        let fresh = try stack.request(
            "POST", "/v1/sessions", json: #"{"email":"ann@example.com","password":"new horse!"}"#)
        let token = try #require(fresh.body["token"] as? String)
        #expect(
            try stack.request("PATCH", me, json: #"{"password":"newer horse"}"#, token: Self.adminToken).status == 200)
        #expect(try stack.request("GET", me, token: tokens[0]).status == 401)
        #expect(try stack.request("GET", me, token: token).status == 401)
        #expect(try cli("EXISTS", "sessions:ann@example.com") == "0")
    }

    @Test("deleting a user through the classic or the v1 route ends every session of theirs")
    func deletionEndsSessions() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let ann = try stack.registerAndLogIn("ann@example.com", sessions: 2)
        let bob = try stack.registerAndLogIn("bob@example.com", sessions: 2)
        let deleted = try stack.request(
            "DELETE", "/user", json: #"{"email":"ann@example.com"}"#, token: Self.adminToken)
        #expect(deleted.status == 200)
        for token in ann { #expect(try stack.request("GET", "/v1/users/ann@example.com", token: token).status == 401) }
        #expect(try cli("EXISTS", "sessions:ann@example.com", "password:ann@example.com") == "0")

        #expect(try stack.request("DELETE", "/v1/users/bob@example.com", token: bob[0]).status == 204)
        for token in bob { #expect(try stack.request("GET", "/v1/users/bob@example.com", token: token).status == 401) }
        #expect(try cli("EXISTS", "sessions:bob@example.com", "password:bob@example.com") == "0")
    }

    @Test("purchases racing catalog PATCHes and a stock PUT: no unit is sold twice and no decrement is lost")
    func purchasesRacingCatalogWrites() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let admin = Self.adminToken
        let created = try stack.request(
            "POST", "/v1/products", json: catalogProduct(1, category: "office", price: 100, stock: 1000), token: admin)
        #expect(created.status == 201)
        let token = try stack.registerAndLogIn("ann@example.com", sessions: 1)[0]
        let buy = #"{"items":[{"product_id":1,"quantity":1}]}"#

        // Name PATCHes leave the stock alone: every unit sold is subtracted, whatever their order.
        var requests: [(method: String, path: String, json: String?, token: String?)] = []
        for index in 0..<80 {
            if index % 4 == 0 {
                requests.append(("PATCH", "/v1/products/1", #"{"name":"Pen \#(index)"}"#, admin))
            } else {
                requests.append(("POST", "/v1/purchases", buy, token))
            }
        }
        let codes = try stack.parallel(requests)
        let sold = codes.filter { $0 == "POST 201" }.count
        #expect(codes.sorted() == Array(repeating: "PATCH 200", count: 20) + Array(repeating: "POST 201", count: 60))
        #expect(try cli("GET", "stock:1") == String(1000 - sold))
        #expect(try cli("LLEN", "orders:ann@example.com") == String(sold))

        // A stock PUT is an absolute level: each purchase lands wholly before it (overwritten) or after it.
        let put = catalogProduct(1, category: "office", price: 100, stock: 500)
        let racing =
            [("PUT", "/v1/products/1", put, admin)] + Array(repeating: ("POST", "/v1/purchases", buy, token), count: 40)
        let racingCodes = try stack.parallel(
            racing.map { (method: $0.0, path: $0.1, json: Optional($0.2), token: Optional($0.3)) })
        #expect(racingCodes.sorted() == Array(repeating: "POST 201", count: 40) + ["PUT 200"])
        let left = try #require(Int(try cli("GET", "stock:1")))
        #expect((460...500).contains(left))
        let after = try stack.request("PATCH", "/v1/products/1", json: #"{"name":"Pen"}"#, token: admin)
        #expect(after.body["stock"] as? Int == left)
    }
}
