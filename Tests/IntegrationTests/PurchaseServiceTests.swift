import Core
import Foundation
import HTTP
import Reactor
import Testing

@testable import ShopAPI

/// Trusts `X-Test-User` as the logged-in user and `X-Test-Admin: yes` as the admin. Compiled into this test
/// target only; it reaches a `ShopServer` only through its internal (`@testable`) initializer.
struct HeaderAuthenticator: Authenticator {
    func user(
        of request: HTTPRequest, exchange: RequestExchange, _ completion: @escaping (Result<String, ShopError>) -> Void
    ) {
        guard let email = request.headers.first(name: "X-Test-User") else {
            return completion(.failure(.server(status: 401, message: "unable to authenticate: no X-Test-User")))
        }
        completion(.success(email))
    }

    func requireAdmin(_ request: HTTPRequest) -> ShopError? {
        request.headers.first(name: "X-Test-Admin") == "yes"
            ? nil : .server(status: 403, message: "unable to authorize: not the admin")
    }
}

/// v1 products and purchases: a `ShopServer` run in process (with `HeaderAuthenticator`, which the built
/// `api` cannot be given) in front of the built `store` (and a replica), driven with curl. Addresses of
/// its own in 127.0.82.0/24; serialised because the stores use fixed ports.
@Suite(.serialized) struct PurchaseServiceTests {
    static let master = "127.0.82.1"
    static let replica = "127.0.82.3"

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [String: Any]
    }

    /// A running store and server; `stop()` ends both.
    final class Stack: @unchecked Sendable {
        // @unchecked Sendable: set once in `start`, then only read.
        let store: ServerProcess
        let server: ShopServer
        let base: String

        init(store: ServerProcess, server: ShopServer, base: String) {
            self.store = store
            self.server = server
            self.base = base
        }

        func stop() async {
            await server.shutdown(gracePeriod: .seconds(1 as Int64))
            store.stop()
        }
    }

    private func startStore(_ host: String, _ extra: [String] = []) throws -> ServerProcess {
        let store = try ServerProcess(
            "store", ["--bind", host, "--port", "6379", "--save", "", "--metrics-port", "-1"] + extra)
        _ = try store.waitForAddress()
        return store
    }

    private func start() async throws -> Stack {
        let store = try startStore(Self.master)
        var configuration = APIConfiguration()
        configuration.address = .ipv4(address: 0x7F00_5202, port: 0)  // 127.0.82.2
        configuration.storeAddress = try #require(SocketAddress("\(Self.master):6379"))
        configuration.loopCount = 2
        let logger = Logger(program: "api-test", minimumLevel: .warning)
        let server = try ShopServer(
            configuration: configuration, logger: logger, authorization: WriteAuthorization(adminToken: nil),
            authenticator: HeaderAuthenticator())
        let address = try await server.start()
        return Stack(store: store, server: server, base: "http://\(address)")
    }

    /// Runs `body` against a fresh stack and stops it afterwards, also when `body` throws.
    private func withStack(_ body: (Stack) async throws -> Void) async throws {
        let stack = try await start()
        do {
            try await body(stack)
        } catch {
            await stack.stop()
            throw error
        }
        await stack.stop()
    }

    private func cli(_ arguments: String..., host: String = master) throws -> String {
        try runTool("redis-cli", ["-h", host, "-p", "6379"] + arguments).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    /// One request with curl.
    private func request(
        _ method: String, _ url: String, json: String? = nil, user: String? = nil, admin: Bool = false,
        headers: [String] = []
    ) throws -> Answer {
        var arguments = ["-sS", "-i", "--max-time", "10", "-X", method, url]
        if let user { arguments += ["-H", "X-Test-User: \(user)"] }
        if admin { arguments += ["-H", "X-Test-Admin: yes"] }
        for header in headers { arguments += ["-H", header] }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        let result = try runTool("curl", arguments)
        guard result.status == 0, let split = result.stdout.range(of: "\r\n\r\n") else {
            throw TestFailure("curl \(arguments): \(result.status) \(result.stderr)")
        }
        let lines = result.stdout[..<split.lowerBound].components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let text = String(result.stdout[split.upperBound...])
        let body = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return Answer(status: Int(lines[0].split(separator: " ")[1]) ?? 0, headers: headers, body: body)
    }

    private func createProduct(_ base: String, id: Int, category: String = "office", price: Int, stock: Int) throws {
        let json =
            #"{"id":\#(id),"name":"Item \#(id)","category":"\#(category)","company":"Acme","is_sold":false,"#
            + #""date_manufactured":"2024-02-29","cost":"1.5","price":\#(price),"stock":\#(stock)}"#
        let answer = try request("POST", "\(base)/v1/products", json: json, admin: true)
        guard answer.status == 201 else { throw TestFailure("create product \(id): \(answer)") }
    }

    private func buy(_ items: [(Int, Int)]) -> String {
        #"{"items":["# + items.map { #"{"product_id":\#($0.0),"quantity":\#($0.1)}"# }.joined(separator: ",") + "]}"
    }

    @Test("200 concurrent buyers of a product with stock 50: exactly 50 get 201, 150 get 409, the stock ends at 0")
    func concurrentBuyers() async throws {
        try await withStack { stack in
            try createProduct(stack.base, id: 1, price: 999, stock: 50)
            // One curl, 200 transfers in parallel (each its own connection and user, each bounded by 10 s).
            var arguments = ["-s", "-Z", "--parallel-immediate", "--parallel-max", "200"]
            for buyer in 0..<200 {
                if buyer > 0 { arguments.append("--next") }
                arguments += [
                    "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}\\n", "-X", "POST", "-H",
                    "Content-Type: application/json", "-H", "X-Test-User: buyer\(buyer)@example.com", "--data-binary",
                    buy([(1, 1)]), "\(stack.base)/v1/purchases",
                ]
            }
            let result = try runTool("curl", arguments, timeout: 60)
            let codes = result.stdout.split(separator: "\n").map { String($0) }
            #expect(codes.count == 200)
            let created = codes.filter { $0 == "201" }.count
            let refused = codes.filter { $0 == "409" }.count
            print(
                "200 buyers: \(created) x 201, \(refused) x 409, others \(codes.filter { $0 != "201" && $0 != "409" })")
            #expect(created == 50)
            #expect(refused == 150)
            #expect(try cli("GET", "stock:1") == "0")
            let lengths = try runTool(
                "redis-cli", ["-h", Self.master, "-p", "6379"],
                input: Data((0..<200).map { "LLEN orders:buyer\($0)@example.com\n" }.joined().utf8))
            #expect(lengths.stdout.split(separator: "\n").compactMap { Int($0) }.reduce(0, +) == 50)
            let short = try request("POST", "\(stack.base)/v1/purchases", json: buy([(1, 1)]), user: "late@example.com")
            #expect(short.status == 409)
            let error = short.body["error"] as? [String: Any]
            #expect(error?["code"] as? String == "insufficient_stock")
            #expect((error?["fields"] as? [String: String])?["items[0]"] == "only 0 left")
            let metrics = try runTool("curl", ["-s", "\(stack.base)/metrics"]).stdout
            #expect(metrics.contains(#"shop_purchases_total{result="created"} 50"#))
            #expect(metrics.contains("shop_items_sold_total 50"))
        }
    }

    @Test("a multi-item purchase with one short item changes nothing; products are listed by category with a cursor")
    func allOrNothing() async throws {
        try await withStack { stack in
            let base = stack.base
            try createProduct(base, id: 1, price: 250, stock: 5)
            try createProduct(base, id: 2, price: 100, stock: 1)
            try createProduct(base, id: 3, category: "garden", price: 7, stock: 9)
            let short = try request(
                "POST", "\(base)/v1/purchases", json: buy([(1, 2), (2, 3)]), user: "ann@example.com")
            #expect(short.status == 409)
            #expect(
                ((short.body["error"] as? [String: Any])?["fields"] as? [String: String]) == ["items[1]": "only 1 left"]
            )
            #expect(try cli("MGET", "stock:1", "stock:2") == "5\n1")
            #expect(try cli("LLEN", "orders:ann@example.com") == "0")
            #expect(
                try request("POST", "\(base)/v1/purchases", json: buy([(1, 1), (9, 1)]), user: "a@b.co").status == 404)
            #expect(try request("POST", "\(base)/v1/purchases", json: #"{"items":[]}"#, user: "a@b.co").status == 422)
            #expect(try request("POST", "\(base)/v1/purchases", json: buy([(1, 1)])).status == 401)

            let bought = try request(
                "POST", "\(base)/v1/purchases", json: buy([(1, 2), (2, 1)]), user: "ann@example.com")
            #expect(bought.status == 201 && bought.body["total"] as? Int == 600)
            #expect(bought.body["replicated"] as? Bool == false && bought.headers["x-replicated"] == "false")
            #expect(try cli("MGET", "stock:1", "stock:2") == "3\n0")
            let id = try #require(bought.body["id"] as? Int)
            #expect(try request("GET", "\(base)/v1/purchases/\(id)", user: "ann@example.com").status == 200)
            #expect(try request("GET", "\(base)/v1/purchases/\(id)", user: "bob@example.com").status == 404)
            #expect(
                try request("GET", "\(base)/v1/purchases/\(id)", admin: true).body["user"] as? String
                    == "ann@example.com")
            let history = try request("GET", "\(base)/v1/users/ann@example.com/purchases", user: "ann@example.com")
            #expect((history.body["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
            #expect(
                try request("GET", "\(base)/v1/users/ann@example.com/purchases", user: "bob@example.com").status == 404)

            // The catalog: get, list by category with a cursor, patch, delete; writes need the admin.
            let pen = try request("GET", "\(base)/v1/products/1")
            #expect(pen.body["price"] as? Int == 250 && pen.body["stock"] as? Int == 3)
            let first = try request("GET", "\(base)/v1/products?category=office&limit=1")
            #expect((first.body["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [1])
            let cursor = try #require(first.body["next_cursor"] as? String)
            let second = try request("GET", "\(base)/v1/products?category=office&limit=1&cursor=\(cursor)")
            #expect((second.body["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [2])
            #expect(second.body["next_cursor"] is NSNull)
            #expect(try request("PATCH", "\(base)/v1/products/3", json: #"{"stock":1}"#).status == 403)
            let patched = try request(
                "PATCH", "\(base)/v1/products/3", json: #"{"category":"office","stock":1}"#, admin: true)
            #expect(patched.status == 200 && patched.body["stock"] as? Int == 1 && patched.body["price"] as? Int == 7)
            let office = try request("GET", "\(base)/v1/products?category=office")
            #expect((office.body["items"] as? [[String: Any]])?.count == 3)
            #expect(try request("GET", "\(base)/product?id=3").body["category"] as? String == "office")
            #expect(try request("DELETE", "\(base)/v1/products/3", admin: true).status == 200)
            #expect(try request("GET", "\(base)/v1/products/3").status == 404)
            #expect(try request("GET", "\(base)/v1/products").body["items"].map { ($0 as? [Any])?.count } == 2)
        }
    }

    @Test("an idempotent replay returns the same order with 200 and charges once; the key with other items is 422")
    func idempotentReplay() async throws {
        try await withStack { stack in
            try createProduct(stack.base, id: 1, price: 500, stock: 10)
            let key = "Idempotency-Key: order-42"
            let url = "\(stack.base)/v1/purchases"
            let first = try request("POST", url, json: buy([(1, 3)]), user: "ann@example.com", headers: [key])
            let again = try request("POST", url, json: buy([(1, 3)]), user: "ann@example.com", headers: [key])
            #expect(first.status == 201 && again.status == 200)
            #expect(first.body["id"] as? Int != nil && first.body["id"] as? Int == again.body["id"] as? Int)
            #expect(try cli("GET", "stock:1") == "7")
            #expect(try cli("LLEN", "orders:ann@example.com") == "1")
            let other = try request("POST", url, json: buy([(1, 1)]), user: "ann@example.com", headers: [key])
            #expect(other.status == 422)
            #expect((other.body["error"] as? [String: Any])?["code"] as? String == "idempotency_key_reused")
            // The key is the user's own: another user with the same key buys anew.
            #expect(
                try request("POST", url, json: buy([(1, 3)]), user: "bob@example.com", headers: [key]).status == 201)
            #expect(try cli("GET", "stock:1") == "4")
        }
    }

    @Test("WAIT: without a replica the purchase says replicated false at once; with one attached, true")
    func replicated() async throws {
        try await withStack { stack in
            try createProduct(stack.base, id: 1, price: 1, stock: 10)
            let url = "\(stack.base)/v1/purchases"
            let started = Instant.now
            let alone = try request("POST", url, json: buy([(1, 1)]), user: "ann@example.com")
            #expect(alone.status == 201 && alone.body["replicated"] as? Bool == false)
            #expect((Instant.now - started).seconds < 1)
            let replica = try startStore(Self.replica, ["--replicaof", Self.master, "6379"])
            defer { replica.stop() }
            let deadline = Instant.now + .seconds(10 as Int64)
            while Instant.now < deadline, !(try cli("INFO", "replication")).contains("state=online") {
                usleep(20_000)
            }
            let backed = try request("POST", url, json: buy([(1, 1)]), user: "ann@example.com")
            #expect(backed.status == 201 && backed.body["replicated"] as? Bool == true)
            #expect(backed.headers["x-replicated"] == "true")
            #expect(try cli("GET", "stock:1", host: Self.replica) == "8")
        }
    }
}
