/// Maps a method and a path to a handler, with `{name}` path parameters (`/v1/products/{id}`).
///
/// Built once (mutable `add` calls), then frozen into a `Sendable` value the server shares across its
/// loops. Literal segments win over parameters at the same position, so `/v1/users/me` can sit beside
/// `/v1/users/{email}`. A path that matches no route is 404; one that matches with another method is
/// 405 with the allowed methods.
public struct Router: Sendable {
    /// A segment pattern of a route.
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    struct Route: Sendable {
        var method: HTTPMethod
        var template: String
        var segments: [Segment]
        var handler: HTTPHandler
    }

    /// The outcome of looking up a request.
    public enum Match: Sendable {
        /// A route matched: its handler, its template (for metrics labels) and the path parameters.
        case found(handler: HTTPHandler, template: String, parameters: [String: String])
        /// The path exists, but not for this method.
        case methodNotAllowed(allowed: [HTTPMethod])
        /// No route has this path.
        case notFound
    }

    private var routes: [Route] = []

    public init() {}

    /// Adds a route. `template` is a path such as `/v1/products/{id}`.
    public mutating func add(_ method: HTTPMethod, _ template: String, _ handler: @escaping HTTPHandler) {
        let segments = Router.split(template).map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
        routes.append(Route(method: method, template: template, segments: segments, handler: handler))
    }

    public mutating func get(_ template: String, _ handler: @escaping HTTPHandler) { add(.GET, template, handler) }
    public mutating func post(_ template: String, _ handler: @escaping HTTPHandler) { add(.POST, template, handler) }
    public mutating func put(_ template: String, _ handler: @escaping HTTPHandler) { add(.PUT, template, handler) }
    public mutating func delete(_ template: String, _ handler: @escaping HTTPHandler) {
        add(.DELETE, template, handler)
    }

    /// Finds the route for `method` and `path` (the target without its query).
    public func match(method: HTTPMethod, path: Substring) -> Match {
        let parts = Router.split(path)
        var best: (route: Route, score: Int, isExact: Bool)?
        var allowed: [HTTPMethod] = []
        for route in routes where route.segments.count == parts.count {
            var score = 0
            var matches = true
            for (segment, part) in zip(route.segments, parts) {
                switch segment {
                case .literal(let literal):
                    if literal != part { matches = false }
                    score = score * 2 + 1
                case .parameter:
                    score = score * 2
                }
                if !matches { break }
            }
            guard matches else { continue }
            // HEAD is served by GET routes, as every HTTP server does; a route written for HEAD wins over
            // the GET route of the same shape.
            let isExact = route.method == method
            if isExact || (method == .HEAD && route.method == .GET) {
                if let current = best {
                    guard score > current.score || (score == current.score && isExact && !current.isExact) else {
                        continue
                    }
                }
                best = (route, score, isExact)
            } else {
                // A GET route also serves HEAD, so a 405's Allow names both.
                for allowedMethod in route.method == .GET ? [.GET, .HEAD] : [route.method]
                where !allowed.contains(allowedMethod) {
                    allowed.append(allowedMethod)
                }
            }
        }
        guard let best else {
            return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
        }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(best.route.segments, parts) {
            if case .parameter(let name) = segment { parameters[name] = PercentEncoding.decode(part) }
        }
        return .found(handler: best.route.handler, template: best.route.template, parameters: parameters)
    }

    static func split<S: StringProtocol>(_ path: S) -> [S.SubSequence] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
