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
        /// Each segment's literal as bytes, nil for a parameter: what `match` compares the path's bytes to.
        var literals: [[UInt8]?]
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
    /// Indices into `routes` of the routes with as many segments as the array index, in order of registration:
    /// only those can match a path of that many segments, so `match` scores no other.
    ///
    /// This replaced a hash table of the literal-only routes consulted first: hashing the path cost more than
    /// comparing its bytes to the few routes of its length, and every parameter route paid for the miss.
    private var routesBySegmentCount: [[Int]] = []

    public init() {}

    /// Adds a route. `template` is a path such as `/v1/products/{id}`.
    public mutating func add(_ method: HTTPMethod, _ template: String, _ handler: @escaping HTTPHandler) {
        let segments = Router.split(template).map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
        let literals = segments.map { segment -> [UInt8]? in
            if case .literal(let text) = segment { Array(text.utf8) } else { nil }
        }
        while routesBySegmentCount.count <= segments.count { routesBySegmentCount.append([]) }
        routesBySegmentCount[segments.count].append(routes.count)
        routes.append(
            Route(method: method, template: template, segments: segments, literals: literals, handler: handler))
    }

    public mutating func get(_ template: String, _ handler: @escaping HTTPHandler) { add(.GET, template, handler) }
    public mutating func post(_ template: String, _ handler: @escaping HTTPHandler) { add(.POST, template, handler) }
    public mutating func put(_ template: String, _ handler: @escaping HTTPHandler) { add(.PUT, template, handler) }
    public mutating func delete(_ template: String, _ handler: @escaping HTTPHandler) {
        add(.DELETE, template, handler)
    }

    /// Finds the route for `method` and `path` (the target without its query).
    public func match(method: HTTPMethod, path: Substring) -> Match {
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
        guard parts.count < routesBySegmentCount.count else { return .notFound }
        let candidates = routesBySegmentCount[parts.count]
        var best: (index: Int, score: Int, isExact: Bool)?
        var hasOtherMethod = false
        routes.withUnsafeBufferPointer { routes in
            for index in candidates {
                guard let score = Router.score(routes[index].literals, bytes, parts) else { continue }
                // HEAD is served by GET routes, as every HTTP server does; a route written for HEAD wins over
                // the GET route of the same shape.
                let routeMethod = routes[index].method
                let isExact = routeMethod == method
                if isExact || (method == .HEAD && routeMethod == .GET) {
                    if let current = best {
                        guard score > current.score || (score == current.score && isExact && !current.isExact) else {
                            continue
                        }
                    }
                    best = (index, score, isExact)
                } else {
                    hasOtherMethod = true
                }
            }
        }
        guard let best else {
            return hasOtherMethod ? .methodNotAllowed(allowed: allowedMethods(candidates, bytes, parts)) : .notFound
        }
        let route = routes[best.index]
        // Sized up front: growing from the empty literal costs a second allocation and a rehash.
        let parameterCount = route.literals.count { $0 == nil }
        var parameters = parameterCount == 0 ? [:] : [String: String](minimumCapacity: parameterCount)
        for (segment, part) in zip(route.segments, parts) {
            if case .parameter(let name) = segment {
                let raw = UnsafeBufferPointer(rebasing: bytes[part])
                let text = String(decoding: raw, as: UTF8.self)
                // Without a `%` there is nothing to decode: the bytes are looked at here rather than through
                // `String.UTF8View`'s generic iteration.
                parameters[name] = raw.contains(UInt8(ascii: "%")) ? PercentEncoding.decode(text) : text
            }
        }
        return .found(handler: route.handler, template: route.template, parameters: parameters)
    }

    /// The methods of the `candidates` that match the path, for a 405's `Allow`: only asked when no route takes
    /// the request's method, so a matched request builds no list.
    private func allowedMethods(
        _ candidates: [Int], _ bytes: UnsafeBufferPointer<UInt8>, _ parts: UnsafeBufferPointer<Range<Int>>
    ) -> [HTTPMethod] {
        var allowed: [HTTPMethod] = []
        for index in candidates where Router.score(routes[index].literals, bytes, parts) != nil {
            // A GET route also serves HEAD, so a 405's Allow names both.
            let method = routes[index].method
            for allowedMethod in method == .GET ? [.GET, .HEAD] : [method] where !allowed.contains(allowedMethod) {
                allowed.append(allowedMethod)
            }
        }
        return allowed
    }

    /// How well a route of these segment `literals` (nil for a parameter) fits the path, or nil when it does not:
    /// a literal at a position outscores a parameter there, earlier positions weigh more.
    @inline(__always)
    private static func score(
        _ literals: [[UInt8]?], _ bytes: UnsafeBufferPointer<UInt8>, _ parts: UnsafeBufferPointer<Range<Int>>
    ) -> Int? {
        var score = 0
        for (literal, part) in zip(literals, parts) {
            if let literal {
                guard Router.equal(literal, bytes, part) else { return nil }
                score = score * 2 + 1
            } else {
                score = score * 2
            }
        }
        return score
    }

    /// Whether `literal` is the bytes of `path` in `range`.
    @inline(__always)
    private static func equal(_ literal: [UInt8], _ path: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard literal.count == range.count else { return false }
        var offset = range.lowerBound
        for byte in literal {
            if byte != path[offset] { return false }
            offset += 1
        }
        return true
    }

    static func split<S: StringProtocol>(_ path: S) -> [S.SubSequence] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
