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
    /// The routes without parameters, by their normalised path (`/` plus the segments joined by `/`), as
    /// indices into `routes` in order of registration.
    ///
    /// Most requests hit such a route (`/`, `/health`, `/metrics`). A literal-only route outscores every other
    /// route with as many segments, so when one of them takes the method it is the answer and `match` can skip
    /// splitting the path and scoring every route: one hash lookup instead of a few allocations.
    /// Keyed by `Substring` so that looking up the request's path converts nothing.
    private var literalRoutes: [Substring: [Int]] = [:]

    public init() {}

    /// Adds a route. `template` is a path such as `/v1/products/{id}`.
    public mutating func add(_ method: HTTPMethod, _ template: String, _ handler: @escaping HTTPHandler) {
        let segments = Router.split(template).map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
        if segments.allSatisfy({ if case .literal = $0 { true } else { false } }) {
            let key = "/" + segments.map { if case .literal(let text) = $0 { text } else { "" } }.joined(separator: "/")
            literalRoutes[key[...], default: []].append(routes.count)
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
        if let found = matchLiteral(method: method, path: path) { return found }
        var path = path
        // The segments are found as byte ranges in a stack buffer and compared to the literals as bytes: splitting
        // into an array of Substrings and comparing Strings cost an allocation and a Unicode-aware comparison per
        // segment on every request to a parameter route (`/v1/products/{id}`).
        return path.withUTF8 { bytes in
            let slash = UInt8(ascii: "/")
            var count = 0
            var previous = slash
            for byte in bytes {
                if byte != slash && previous == slash { count += 1 }
                previous = byte
            }
            return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: max(count, 1)) { parts in
                var found = 0
                var start = 0
                for (offset, byte) in bytes.enumerated() where byte == slash {
                    if offset > start {
                        parts[found] = start..<offset
                        found += 1
                    }
                    start = offset + 1
                }
                if bytes.count > start { parts[found] = start..<bytes.count }
                return match(method: method, bytes: bytes, parts: UnsafeBufferPointer(rebasing: parts[0..<count]))
            }
        }
    }

    /// `match` once the path is split into `parts`, byte ranges of `bytes`.
    private func match(
        method: HTTPMethod, bytes: UnsafeBufferPointer<UInt8>, parts: UnsafeBufferPointer<Range<Int>>
    )
        -> Match
    {
        var best: (index: Int, score: Int, isExact: Bool)?
        var allowed: [HTTPMethod] = []
        for index in routes.indices where routes[index].segments.count == parts.count {
            let route = routes[index]
            var score = 0
            var matches = true
            for (segment, part) in zip(route.segments, parts) {
                switch segment {
                case .literal(let literal):
                    if !literal.utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[part])) { matches = false }
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
                best = (index, score, isExact)
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
        let route = routes[best.index]
        var parameters: [String: String] = [:]
        for (segment, part) in zip(route.segments, parts) {
            if case .parameter(let name) = segment {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[part]), as: UTF8.self)
                parameters[name] = PercentEncoding.decode(text)
            }
        }
        return .found(handler: route.handler, template: route.template, parameters: parameters)
    }

    /// The literal-only route for `path` that takes `method` (an exact method first, else GET for HEAD), or nil
    /// when `match` must score the routes: the path is not in normal form (empty segments), no literal route has
    /// it, or none of them takes the method (a parameter route may, or the answer is 405).
    private func matchLiteral(method: HTTPMethod, path: Substring) -> Match? {
        guard !literalRoutes.isEmpty, Router.isNormalised(path), let candidates = literalRoutes[path] else {
            return nil
        }
        var fallback: Int?
        for index in candidates {
            let routeMethod = routes[index].method
            if routeMethod == method {
                return .found(handler: routes[index].handler, template: routes[index].template, parameters: [:])
            }
            if fallback == nil && method == .HEAD && routeMethod == .GET { fallback = index }
        }
        guard let fallback else { return nil }
        return .found(handler: routes[fallback].handler, template: routes[fallback].template, parameters: [:])
    }

    /// Whether `path` is `/` or `/` followed by non-empty segments: the form `literalRoutes` is keyed by.
    private static func isNormalised(_ path: Substring) -> Bool {
        let slash = UInt8(ascii: "/")
        var count = 0
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if count == 0 ? byte != slash : byte == slash && previous == slash { return false }
            previous = byte
            count += 1
        }
        return count == 1 || (count > 1 && previous != slash)
    }

    static func split<S: StringProtocol>(_ path: S) -> [S.SubSequence] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
