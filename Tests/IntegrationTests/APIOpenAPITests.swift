import Core
import Foundation
import Testing

/// schemathesis (PyPI; `Tests/run-all` installs it) against the built `api`'s `/openapi.json`: every
/// operation of the document is called with generated valid and invalid requests, and no answer may be a
/// 5xx, have a status, content type, header or body the document does not describe.
///
/// Runs twice: with the admin token (which opens the catalog, classic writes and every user's resources), then
/// with a user's session on the operations a session opens (purchases, the user's own routes). Addresses in
/// 127.0.83.0/24.
@Suite(.serialized) struct APIOpenAPITests {
    static let store = "127.0.83.1:6379"
    static let api = "127.0.83.2:8000"
    static let adminToken = "openapi-admin-token-0123456789abcdef"
    static let secretKey = "openapi-secret-key-0123456789abcdef"
    /// The checks that must hold for every answer.
    static let checks = [
        "not_a_server_error", "status_code_conformance", "content_type_conformance",
        "response_headers_conformance", "response_schema_conformance",
    ]

    /// Runs schemathesis with `token` as the bearer token and `extra` arguments; returns its exit status and
    /// report. In a scratch directory: hypothesis keeps its database in the working directory.
    ///
    /// One worker: with two, hypothesis sometimes fails inside CPython's `ast` module (which is not
    /// thread-safe in 3.11: "AST constructor recursion depth mismatch"), a runtime error that is not a finding.
    private func schemathesis(token: String, examples: Int, _ extra: [String]) throws -> (Int32, String) {
        guard let tool = findOnPath("schemathesis") else {
            throw TestFailure("schemathesis is not installed: the test command (Tests/run-all) installs it")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("schemathesis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let arguments =
            [
                "run", "http://\(Self.api)/openapi.json", "--checks", Self.checks.joined(separator: ","),
                "--header", "Authorization: Bearer \(token)", "--max-examples", String(examples),
                "--seed", "1", "--workers", "1", "--request-timeout", "5", "--no-color",
            ] + extra
        // `timeout` bounds the run even if schemathesis hangs; runTool's own deadline starts after EOF.
        let result = try runTool(
            "/bin/sh", ["-c", #"cd "$1" && shift && exec timeout 150 "$@""#, "sh", scratch.path, tool] + arguments,
            timeout: 160)
        return (result.status, result.stdout + result.stderr)
    }

    @Test("schemathesis finds no 5xx and no answer the OpenAPI document does not describe")
    func schemathesisConformance() throws {
        let parts = Self.store.split(separator: ":").map(String.init)
        let store = try ServerProcess(
            "store", ["--bind", parts[0], "--port", parts[1], "--save", "", "--metrics-port", "-1"])
        defer { store.stop() }
        _ = try store.waitForAddress()
        let apiParts = Self.api.split(separator: ":").map(String.init)
        let api = try ServerProcess(
            "api", ["--bind", apiParts[0], "--port", apiParts[1], "--store", Self.store, "--threads", "2"],
            environment: ["API_ADMIN_TOKEN": Self.adminToken, "SECRET_KEY": Self.secretKey])
        defer { api.stop() }
        _ = try api.waitForAddress()

        // A user and a session, so the session's run reaches past the 401s.
        let base = "http://\(Self.api)"
        let json = ["-H", "Content-Type: application/json"]
        let registered = try runTool(
            "curl",
            ["-sS", "-X", "POST", "\(base)/v1/users"] + json + [
                "--data-binary",
                #"{"email":"st@example.com","password":"schemathesis","first_name":"S","last_name":"T"}"#,
            ])
        #expect(registered.stdout.contains("st@example.com"), "registration: \(registered.stdout)")
        let login = try runTool(
            "curl",
            ["-sS", "-X", "POST", "\(base)/v1/sessions"] + json + [
                "--data-binary", #"{"email":"st@example.com","password":"schemathesis"}"#,
            ])
        let session = try #require(
            (try JSONSerialization.jsonObject(with: Data(login.stdout.utf8)) as? [String: Any])?["token"] as? String,
            "log-in: \(login.stdout)")

        let (adminStatus, adminReport) = try schemathesis(token: Self.adminToken, examples: 10, [])
        #expect(adminStatus == 0, "schemathesis with the admin token:\n\(adminReport)")
        // Logging out would end the session the rest of the run uses.
        let (sessionStatus, sessionReport) = try schemathesis(
            token: session, examples: 20,
            ["--include-path-regex", "^/v1/(purchases|users|sessions)", "--exclude-operation-id", "logOut"])
        #expect(sessionStatus == 0, "schemathesis with a session:\n\(sessionReport)")
        #expect(api.stderr.contains("route=/openapi.json status=200"))
    }
}
