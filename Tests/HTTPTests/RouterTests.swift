import HTTP
import TestSupport
import Testing

@Suite struct RouterTests {
    /// A handler that is never called: these tests only look at what `match` picks.
    private static let unused: HTTPHandler = { _, _ in }

    /// The template and parameters `router` picks for `method` and `path`, or nil when nothing matches.
    private func found(
        _ router: Router, _ method: HTTPMethod, _ path: Substring
    ) -> (template: String, parameters: [String: String])? {
        guard case .found(_, let template, let parameters) = router.match(method: method, path: path) else {
            return nil
        }
        return (template, parameters)
    }

    @Test("a literal segment beats a parameter at the same position, whatever the order of registration")
    func literalBeatsParameter() {
        for literalFirst in [false, true] {
            var router = Router()
            if literalFirst { router.get("/v1/users/me", Self.unused) }
            router.get("/v1/users/{email}", Self.unused)
            if !literalFirst { router.get("/v1/users/me", Self.unused) }

            #expect(found(router, .GET, "/v1/users/me")?.template == "/v1/users/me")
            let other = found(router, .GET, "/v1/users/ann")
            #expect(other?.template == "/v1/users/{email}")
            #expect(other?.parameters == ["email": "ann"])
        }
    }

    @Test("an earlier literal segment outranks a later one")
    func leftmostLiteralWins() {
        var router = Router()
        router.get("/{kind}/latest", Self.unused)
        router.get("/products/{id}", Self.unused)
        #expect(found(router, .GET, "/products/latest")?.template == "/products/{id}")
        #expect(found(router, .GET, "/orders/latest")?.template == "/{kind}/latest")
    }

    @Test("path parameters are percent-decoded after the path is split, and + stays a plus")
    func parametersArePercentDecoded() {
        var router = Router()
        router.get("/files/{name}/versions/{version}", Self.unused)
        let match = found(router, .GET, "/files/a%20b%2Fc%C3%A9/versions/1+2")
        #expect(match?.parameters == ["name": "a b/cé", "version": "1+2"])
    }

    @Test("a malformed escape in a parameter is kept as it is")
    func malformedEscapeKept() {
        var router = Router()
        router.get("/files/{name}", Self.unused)
        #expect(found(router, .GET, "/files/100%")?.parameters == ["name": "100%"])
        #expect(found(router, .GET, "/files/%zz%4")?.parameters == ["name": "%zz%4"])
    }

    @Test("a path that no route has is 404")
    func unknownPathIsNotFound() {
        var router = Router()
        router.get("/items", Self.unused)
        router.get("/items/{id}", Self.unused)
        guard case .notFound = router.match(method: .GET, path: "/items/1/extra") else {
            Issue.record("expected notFound")
            return
        }
        guard case .notFound = router.match(method: .GET, path: "/other") else {
            Issue.record("expected notFound")
            return
        }
    }

    @Test("a path routed only for other methods is 405 with those methods")
    func otherMethodIsNotAllowed() {
        var router = Router()
        router.post("/items", Self.unused)
        router.put("/items", Self.unused)
        router.get("/items/{id}", Self.unused)
        guard case .methodNotAllowed(let allowed) = router.match(method: .DELETE, path: "/items") else {
            Issue.record("expected methodNotAllowed")
            return
        }
        #expect(allowed == [.POST, .PUT])
    }

    @Test("the methods a 405 allows include HEAD when a GET route serves the path")
    func allowedIncludesHeadForGet() {
        var router = Router()
        router.get("/items", Self.unused)
        router.post("/items", Self.unused)
        guard case .methodNotAllowed(let allowed) = router.match(method: .DELETE, path: "/items") else {
            Issue.record("expected methodNotAllowed")
            return
        }
        #expect(allowed == [.GET, .HEAD, .POST])
    }

    @Test("HEAD is served by a GET route")
    func headServedByGet() {
        var router = Router()
        router.get("/items/{id}", Self.unused)
        let match = found(router, .HEAD, "/items/7")
        #expect(match?.template == "/items/{id}")
        #expect(match?.parameters == ["id": "7"])
    }

    @Test("a HEAD request to a path with no GET route is 405")
    func headWithoutGetIsNotAllowed() {
        var router = Router()
        router.post("/items", Self.unused)
        guard case .methodNotAllowed(let allowed) = router.match(method: .HEAD, path: "/items") else {
            Issue.record("expected methodNotAllowed")
            return
        }
        #expect(allowed == [.POST])
    }

    @Test("the root path and repeated slashes route like their segments")
    func rootAndSlashes() {
        var router = Router()
        router.get("/", Self.unused)
        router.get("/a/b", Self.unused)
        #expect(found(router, .GET, "/")?.template == "/")
        #expect(found(router, .GET, "/a//b/")?.template == "/a/b")
    }

    @Test("a HEAD route beats the GET route of the same path, registered before or after it")
    func headRouteBeatsGet() {
        for headFirst in [false, true] {
            var router = Router()
            if headFirst { router.add(.HEAD, "/status/", Self.unused) }
            router.get("/status", Self.unused)
            if !headFirst { router.add(.HEAD, "/status/", Self.unused) }
            #expect(found(router, .HEAD, "/status")?.template == "/status/")
            #expect(found(router, .GET, "/status")?.template == "/status")
        }
    }

    @Test("a literal route for another method leaves the path to a parameter route that takes the method")
    func literalForOtherMethodFallsBackToParameter() {
        var router = Router()
        router.post("/items/new", Self.unused)
        router.get("/items/{id}", Self.unused)
        let match = found(router, .GET, "/items/new")
        #expect(match?.template == "/items/{id}")
        #expect(match?.parameters == ["id": "new"])
        #expect(found(router, .POST, "/items/new")?.template == "/items/new")
    }

    @Test("the first of two identical routes wins, on every path spelling")
    func firstIdenticalRouteWins() {
        var router = Router()
        router.get("/a/b", Self.unused)
        router.get("//a/b/", Self.unused)
        for path: Substring in ["/a/b", "/a/b/", "//a//b", "a/b"] {
            #expect(found(router, .GET, path)?.template == "/a/b")
        }
    }
}
