import JSON
import Metrics
import Testing

@testable import ShopAPI

@Suite struct OpenAPIDocumentTests {
    /// The routes the server registers, as `GET /v1/products/{id}`.
    private func registeredRoutes() throws -> [String] {
        let configuration = try APIConfiguration.parse(environment: [:], arguments: [])
        let hasher = try PasswordHasher(workerCount: 1)
        defer { hasher.shutdown() }
        var router = ShopRouter(contexts: LoopContexts())
        ShopServer.registerRoutes(
            in: &router, configuration: configuration, registry: MetricsRegistry(),
            authorization: WriteAuthorization(adminToken: nil), authenticator: NoSessions(), hasher: hasher)
        return router.routes
    }

    @Test("the served bytes parse as an OpenAPI 3.0.3 document")
    func parses() throws {
        let document = try #require(try JSONValue.parse(OpenAPIDocument.bytes).objectValue)
        #expect(document["openapi"] == .string("3.0.3"))
        #expect(document["components"]?.objectValue?["securitySchemes"]?.objectValue?.keys == ["session", "admin"])
    }

    @Test("the document lists exactly the router's routes: none missing, none extra")
    func listsEveryRoute() throws {
        let routes = try registeredRoutes()
        let operations = OpenAPIDocument.operations
        #expect(Set(routes).subtracting(operations).sorted() == [], "routes the document misses")
        #expect(Set(operations).subtracting(routes).sorted() == [], "operations no route serves")
        #expect(operations.count == routes.count)
    }

    @Test("every reference points at a component that exists")
    func referencesResolve() throws {
        let document = OpenAPIDocument.value
        var references: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let object):
                for (key, member) in object.members {
                    if key == "$ref", case .string(let target) = member {
                        references.append(target)
                    } else {
                        collect(member)
                    }
                }
            case .array(let elements): elements.forEach(collect)
            case .null, .bool, .integer, .double, .string: break
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for reference in Set(references) {
            var node: JSONValue? = document
            for part in reference.dropFirst(2).split(separator: "/") { node = node?.objectValue?[String(part)] }
            #expect(node != nil, "\(reference) does not resolve")
        }
    }

    @Test("every operation takes X-Request-ID and every answer declares it")
    func requestIDEverywhere() throws {
        let paths = try #require(OpenAPIDocument.value.objectValue?["paths"]?.objectValue)
        for (template, item) in paths.members {
            for (method, operation) in try #require(item.objectValue).members where method != "parameters" {
                let parameters = operation.objectValue?["parameters"]?.arrayValue ?? []
                #expect(
                    parameters.first?.objectValue?["$ref"] == .string("#/components/parameters/RequestID"),
                    "\(method) \(template)")
                for (status, answer) in operation.objectValue?["responses"]?.objectValue?.members ?? [] {
                    let object = try #require(answer.objectValue)
                    let declared = object["$ref"] != nil || object["headers"]?.objectValue?["X-Request-ID"] != nil
                    #expect(declared, "\(method) \(template) \(status)")
                }
            }
        }
    }
}
