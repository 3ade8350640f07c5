import Core
import Foundation
import Testing

/// The built `api` in front of the built `store`, driven with curl as a classic client would.
///
/// Serialised: both tests put the store at 127.0.80.1:6379 (a fixed port, so a restarted store comes back
/// where the API looks for it).
@Suite(.serialized) struct APIServiceTests {
    static let storeHost = "127.0.80.1"
    static let storePort = "6379"
    /// The api's `API_ADMIN_TOKEN`: classic writes need it (the auth rules themselves are `APIAuthTests`').
    static let adminToken = "slice-one-admin-token-0123456789"

    /// An answer as curl saw it.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
        var seconds: Double
    }

    private func startStore() throws -> ServerProcess {
        let store = try ServerProcess(
            "store", ["--bind", Self.storeHost, "--port", Self.storePort, "--save", "", "--metrics-port", "-1"])
        _ = try store.waitForAddress()
        return store
    }

    /// Starts the store and an api in front of it; returns both and the api's base URL.
    private func startStack() throws -> (ServerProcess, ServerProcess, String) {
        let store = try startStore()
        let api = try ServerProcess(
            "api", ["--bind", "127.0.80.2", "--port", "0", "--store", "\(Self.storeHost):\(Self.storePort)"],
            environment: ["API_ADMIN_TOKEN": Self.adminToken])
        return (store, api, "http://\(try api.waitForAddress())")
    }

    /// One request with curl: `-i` so the head comes back with the body. Every request carries the admin
    /// token unless `headers` says otherwise, as a classic client with write access would.
    private func request(
        _ method: String, _ url: String, json: String? = nil, contentType: String = "application/json",
        headers: [String] = ["Authorization: Bearer \(APIServiceTests.adminToken)"]
    ) throws -> Answer {
        var arguments = ["-sS", "-i", "--max-time", "10", "-X", method, url]
        for header in headers { arguments += ["-H", header] }
        if let json { arguments += ["-H", "Content-Type: \(contentType)", "--data-binary", json] }
        let started = Instant.now
        let result = try runTool("curl", arguments)
        let seconds = (Instant.now - started).seconds
        guard result.status == 0, let split = result.stdout.range(of: "\r\n\r\n") else {
            throw TestFailure("curl \(arguments): \(result.status) \(result.stderr)")
        }
        let headLines = result.stdout[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(headLines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return Answer(
            status: status, headers: headers, body: String(result.stdout[split.upperBound...]), seconds: seconds)
    }

    /// The answer's body as a JSON object.
    private func object(_ answer: Answer) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(answer.body.utf8))
        return try #require(value as? [String: Any], "not a JSON object: \(answer.body)")
    }

    /// The error code of an error answer.
    private func errorCode(_ answer: Answer) throws -> String? {
        (try object(answer)["error"] as? [String: Any])?["code"] as? String
    }

    @Test("every classic route answers with its status code and JSON body, and /health, /ready and /metrics work")
    func classicRoutes() throws {
        let (store, api, base) = try startStack()
        defer {
            api.stop()
            store.stop()
        }
        let user = #"{"email":"ann@example.com","first_name":"Ann","last_name":"Lee"}"#
        #expect(try request("GET", "\(base)/health").body == #"{"status":"ok"}"#)
        #expect(try request("GET", "\(base)/ready").status == 200)

        // Users.
        #expect(try request("GET", "\(base)/user?user=ann@example.com").status == 404)
        let created = try request("POST", "\(base)/user", json: user)
        #expect(created.status == 201)
        #expect(try object(created)["first_name"] as? String == "Ann")
        #expect(try request("POST", "\(base)/user", json: user).status == 409)
        let fetched = try request("GET", "\(base)/user?user=ann%40example.com")
        #expect(fetched.status == 200 && fetched.headers["content-type"] == "application/json")
        #expect(try object(fetched)["last_name"] as? String == "Lee")
        let updated = try request(
            "PUT", "\(base)/user", json: #"{"email":"ann@example.com","first_name":"Anne","last_name":"Lee"}"#)
        #expect(updated.status == 200)
        #expect(try object(request("GET", "\(base)/user?user=ann@example.com"))["first_name"] as? String == "Anne")
        #expect(
            try request("PUT", "\(base)/user", json: #"{"email":"bob@example.com","first_name":"B","last_name":"C"}"#)
                .status == 404)
        let invalid = try request("POST", "\(base)/user", json: #"{"email":"nope","first_name":""}"#)
        #expect(invalid.status == 422)
        let fields = try #require((try object(invalid)["error"] as? [String: Any])?["fields"] as? [String: String])
        #expect(Set(fields.keys) == ["email", "first_name", "last_name"])
        #expect(try request("GET", "\(base)/user").status == 422)
        #expect(try request("GET", "\(base)/user?user=not-an-email").status == 422)
        #expect(try request("POST", "\(base)/user", json: "{not json").status == 400)
        let notJSON = try request("POST", "\(base)/user", json: user, contentType: "text/plain")
        #expect(notJSON.status == 415)
        #expect(try errorCode(notJSON) == "unsupported_media_type")
        #expect(try request("DELETE", "\(base)/user", json: #"{"email":"ann@example.com"}"#).status == 200)
        #expect(try request("DELETE", "\(base)/user", json: #"{"email":"ann@example.com"}"#).status == 404)

        // Products, with values as strings the way classic clients send them.
        let product =
            #"{"id":"7","name":"Pen","category":"office","company":"Acme","is_sold":"0","#
            + #""date_manufactured":"2024-02-29","cost":"012.50"}"#
        #expect(try request("POST", "\(base)/product", json: product).status == 201)
        #expect(try request("POST", "\(base)/product", json: product).status == 409)
        let pen = try object(request("GET", "\(base)/product?id=7"))
        #expect(pen["id"] as? Int == 7 && pen["is_sold"] as? Bool == false && pen["cost"] as? String == "12.5")
        let sold =
            #"{"id":7,"name":"Pen","category":"office","company":"Acme","is_sold":true,"#
            + #""date_manufactured":"2024-02-29","cost":13}"#
        #expect(try request("PUT", "\(base)/product", json: sold).status == 200)
        #expect(try object(request("GET", "\(base)/product?id=7"))["is_sold"] as? Bool == true)
        #expect(
            try request("PUT", "\(base)/product", json: sold.replacingOccurrences(of: ":7,", with: ":8,")).status == 404
        )
        #expect(try request("GET", "\(base)/product?id=8").status == 404)
        #expect(try request("GET", "\(base)/product?id=abc").status == 422)
        #expect(try request("POST", "\(base)/product", json: #"{"id":"x","is_sold":"maybe"}"#).status == 422)
        #expect(try request("DELETE", "\(base)/product", json: #"{"id":"7"}"#).status == 200)
        #expect(try request("DELETE", "\(base)/product", json: #"{"id":7}"#).status == 404)

        // The server's own answers have the same error shape.
        let wrongMethod = try request("PATCH", "\(base)/product")
        #expect(wrongMethod.status == 405)
        #expect(try errorCode(wrongMethod) == "method_not_allowed")
        #expect(try errorCode(request("GET", "\(base)/nowhere")) == "not_found")
        let tooBig = try request("POST", "\(base)/user", json: "\"" + String(repeating: "x", count: 70_000) + "\"")
        #expect(tooBig.status == 413)
        #expect(try errorCode(tooBig) == "body_too_large")

        // Request ids: a client's is echoed and logged; otherwise a new one is made.
        let traced = try request("GET", "\(base)/health", headers: ["X-Request-ID: trace-42"])
        #expect(traced.headers["x-request-id"] == "trace-42")
        #expect(try request("GET", "\(base)/health").headers["x-request-id"]?.count == 32)
        let deadline = Instant.now + .seconds(5 as Int64)
        while !api.stderr.contains("request_id=trace-42"), Instant.now < deadline { usleep(10_000) }
        #expect(api.stderr.contains("request_id=trace-42 method=GET route=/health status=200"))

        // Metrics: valid exposition, labelled by route template, never by raw URL.
        let metrics = try request("GET", "\(base)/metrics")
        #expect(metrics.status == 200)
        let check = try runTool("promtool", ["check", "metrics"], input: Data(metrics.body.utf8))
        #expect(check.status == 0, "promtool: \(check.stdout)\(check.stderr)")
        for expected in [
            #"http_request_duration_seconds_count{method="GET",route="/product",code="404"}"#,
            #"http_request_duration_seconds_count{method="POST",route="/user",code="201"}"#,
            "http_requests_in_flight", "shop_store_errors_total 0", "process_resident_memory_bytes",
            "eventloop_lag_seconds",
        ] {
            #expect(metrics.body.contains(expected), "missing \(expected)")
        }
        #expect(!metrics.body.contains("id=7") && !metrics.body.contains("example.com"))
    }

    @Test("with the store stopped /ready and a classic GET answer 503 in under 2 s, and recover when it is back")
    func storeOutage() throws {
        var (store, api, base) = try startStack()
        defer {
            api.stop()
            store.stop()
        }
        #expect(try request("GET", "\(base)/ready").status == 200)
        store.stop()

        var deadline = Instant.now + .seconds(5 as Int64)
        var ready = try request("GET", "\(base)/ready")
        while ready.status != 503, Instant.now < deadline { ready = try request("GET", "\(base)/ready") }
        #expect(ready.status == 503 && ready.seconds < 2)
        #expect(ready.headers["retry-after"] == "1")
        #expect(try errorCode(ready) == "store_unavailable")
        let get = try request("GET", "\(base)/product?id=1")
        #expect(get.status == 503 && get.seconds < 2)
        #expect(try request("GET", "\(base)/health").status == 200)

        store = try startStore()
        deadline = Instant.now + .seconds(10 as Int64)
        while try request("GET", "\(base)/ready").status != 200, Instant.now < deadline { usleep(20_000) }
        #expect(try request("GET", "\(base)/ready").status == 200)
        #expect(try request("GET", "\(base)/product?id=1").status == 404)
        let metrics = try request("GET", "\(base)/metrics").body
        #expect(!metrics.contains("shop_store_errors_total 0"))
    }
}
