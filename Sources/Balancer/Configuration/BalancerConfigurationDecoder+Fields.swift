import Core
import JSON
import Reactor

extension BalancerConfigurationDecoder {
    /// The top-level members `balancer.json` may have.
    static let topLevelFields = [
        "upstreams", "algorithm", "health_check", "passive", "retries", "timeouts", "limits", "rate_limit",
        "served_by_header", "keepalive", "admin", "threads",
    ]

    /// `root` laid over `configuration`: each member present replaces the default it names.
    mutating func decode(_ root: JSONValue, into configuration: inout BalancerConfiguration) {
        guard let object = object(root, at: "", fields: Self.topLevelFields) else { return }
        if let value = object["upstreams"], let upstreams = upstreams(value, at: "upstreams") {
            configuration.upstreams = upstreams
        }
        if let value = object["algorithm"], let algorithm = algorithm(value, at: "algorithm") {
            configuration.algorithm = algorithm
        }
        if let value = object["health_check"] { healthCheck(value, into: &configuration.healthCheck) }
        if let value = object["passive"] { passive(value, into: &configuration.passive) }
        if let value = object["retries"], let retries = integer(value, at: "retries", in: 0...10) {
            configuration.retries = retries
        }
        if let value = object["timeouts"] { timeouts(value, into: &configuration.timeouts) }
        if let value = object["limits"] { limits(value, into: &configuration.limits) }
        if let value = object["rate_limit"] { configuration.rateLimit = rateLimit(value, at: "rate_limit") }
        if let value = object["served_by_header"] {
            if case .null = value {
                configuration.servedByHeader = nil
            } else if let name = string(value, at: "served_by_header", what: "a header name or null") {
                if Self.isHeaderName(name) {
                    configuration.servedByHeader = name
                } else {
                    report("served_by_header", "expected a header name (letters, digits, -), got \(value.summary)")
                }
            }
        }
        if let value = object["keepalive"] { keepalive(value, into: &configuration.keepalive) }
        if let value = object["admin"], let admin = admin(value, at: "admin") { configuration.admin = admin }
        if let value = object["threads"] {
            if case .null = value {
                configuration.threads = nil
            } else if let threads = integer(value, at: "threads", in: 1...256) {
                configuration.threads = threads
            }
        }
    }

    // MARK: - Upstreams

    private mutating func upstreams(_ value: JSONValue, at path: String) -> BalancerConfiguration.UpstreamSource? {
        guard let object = object(value, at: path, fields: ["service", "static"]) else { return nil }
        switch (object["service"], object["static"]) {
        case (let service?, nil):
            let servicePath = Self.child(path, "service")
            guard let name = string(service, at: servicePath, what: "a service name") else { return nil }
            guard Self.isServiceName(name) else {
                expected("a service name (letters, digits, _ and -)", at: servicePath, got: service)
                return nil
            }
            return .service(name)
        case (nil, let list?):
            return staticUpstreams(list, at: Self.child(path, "static")).map { .fixed($0) }
        case (.some, .some):
            report(path, "expected either \"service\" or \"static\", not both")
            return nil
        case (nil, nil):
            report(path, "expected {\"service\": \"<name>\"} or {\"static\": [{\"address\": \"127.0.0.1:8000\"}]}")
            return nil
        }
    }

    private mutating func staticUpstreams(
        _ value: JSONValue, at path: String
    )
        -> [BalancerConfiguration.StaticUpstream]?
    {
        guard case .array(let elements) = value, !elements.isEmpty else {
            expected("a non-empty array of upstreams", at: path, got: value)
            return nil
        }
        var result: [BalancerConfiguration.StaticUpstream] = []
        var isValid = true
        for (offset, element) in elements.enumerated() {
            let elementPath = "\(path)[\(offset)]"
            guard let upstream = staticUpstream(element, at: elementPath) else {
                isValid = false
                continue
            }
            if result.contains(where: { $0.address == upstream.address }) {
                report(Self.child(elementPath, "address"), "\(upstream.address) is listed twice")
                isValid = false
            } else if result.contains(where: { $0.name == upstream.name }) {
                report(Self.child(elementPath, "name"), "\(JSONValue.quoted(upstream.name)) is used twice")
                isValid = false
            }
            result.append(upstream)
        }
        return isValid ? result : nil
    }

    private mutating func staticUpstream(
        _ value: JSONValue, at path: String
    )
        -> BalancerConfiguration.StaticUpstream?
    {
        guard let object = object(value, at: path, fields: ["address", "weight", "name"]) else { return nil }
        guard let addressValue = object["address"] else {
            report(Self.child(path, "address"), "required, such as \"127.0.0.1:8000\"")
            return nil
        }
        let address = upstreamAddress(addressValue, at: Self.child(path, "address"))
        var weight: Int? = 1
        if let value = object["weight"] { weight = integer(value, at: Self.child(path, "weight"), in: 1...256) }
        var name: String? = nil
        if let value = object["name"] {
            name = string(value, at: Self.child(path, "name"), what: "a name")
            if let text = name, !Self.isUpstreamName(text) {
                expected("a name of 1 to 64 letters, digits, _ - . or :", at: Self.child(path, "name"), got: value)
                return nil
            }
            if name == nil { return nil }
        }
        guard let address, let weight else { return nil }
        return .init(address: address, weight: weight, name: name)
    }

    private mutating func algorithm(_ value: JSONValue, at path: String) -> BalancingAlgorithm? {
        let names = BalancingAlgorithm.allCases.map(\.rawValue)
        if case .string(let text) = value, let algorithm = BalancingAlgorithm(rawValue: text) { return algorithm }
        if case .string(let text) = value, let suggestion = FieldSuggestion.closest(to: text, among: names) {
            report(
                path,
                "expected one of \(names.joined(separator: ", ")), got \(value.summary) (did you mean \"\(suggestion)\"?)"
            )
        } else {
            expected("one of \(names.joined(separator: ", "))", at: path, got: value)
        }
        return nil
    }

    // MARK: - Sections

    private mutating func healthCheck(_ value: JSONValue, into settings: inout BalancerConfiguration.HealthCheck) {
        let path = "health_check"
        let fields = ["enabled", "path", "interval", "timeout", "rise", "fall"]
        guard let object = object(value, at: path, fields: fields) else { return }
        if let value = object["enabled"], let flag = bool(value, at: "\(path).enabled") { settings.isEnabled = flag }
        if let value = object["path"], let text = string(value, at: "\(path).path", what: "a path such as \"/health\"")
        {
            if text.hasPrefix("/"), text.count <= 1024, text.allSatisfy({ $0.isASCII && $0 > " " && $0 != "\u{7F}" }) {
                settings.path = text
            } else {
                expected("a path such as \"/health\" (starting with /, no spaces)", at: "\(path).path", got: value)
            }
        }
        if let value = object["interval"], let amount = duration(value, at: "\(path).interval") {
            settings.interval = amount
        }
        if let value = object["timeout"], let amount = duration(value, at: "\(path).timeout") {
            settings.timeout = amount
        }
        if let value = object["rise"], let count = integer(value, at: "\(path).rise", in: 1...100) {
            settings.rise = count
        }
        if let value = object["fall"], let count = integer(value, at: "\(path).fall", in: 1...100) {
            settings.fall = count
        }
        if settings.timeout > settings.interval {
            // A check outliving its interval would overlap the next one on the same upstream.
            report(
                "\(path).timeout",
                "expected at most health_check.interval (\(settings.interval)), got \"\(settings.timeout)\"")
        }
    }

    private mutating func passive(_ value: JSONValue, into settings: inout BalancerConfiguration.PassiveHealth) {
        guard let object = object(value, at: "passive", fields: ["max_fails", "fail_timeout"]) else { return }
        if let value = object["max_fails"], let count = integer(value, at: "passive.max_fails", in: 0...100) {
            settings.maxFails = count
        }
        if let value = object["fail_timeout"], let amount = duration(value, at: "passive.fail_timeout") {
            settings.failTimeout = amount
        }
    }

    private mutating func timeouts(_ value: JSONValue, into settings: inout BalancerConfiguration.Timeouts) {
        let fields: [(String, WritableKeyPath<BalancerConfiguration.Timeouts, TimeAmount>)] = [
            ("connect", \.connect), ("upstream_read", \.upstreamRead), ("client_header", \.clientHeader),
            ("client_body", \.clientBody), ("client_idle", \.clientIdle),
        ]
        guard let object = object(value, at: "timeouts", fields: fields.map(\.0)) else { return }
        for (name, keyPath) in fields {
            if let value = object[name], let amount = duration(value, at: "timeouts.\(name)") {
                settings[keyPath: keyPath] = amount
            }
        }
    }

    private mutating func limits(_ value: JSONValue, into settings: inout BalancerConfiguration.Limits) {
        let fields: [(String, WritableKeyPath<BalancerConfiguration.Limits, Int>, ClosedRange<Int>)] = [
            ("max_header_bytes", \.maxHeaderBytes, 1_024...1_048_576),
            ("max_body_bytes", \.maxBodyBytes, 0...1_073_741_824),
            ("max_connections", \.maxConnections, 1...1_000_000),
        ]
        guard let object = object(value, at: "limits", fields: fields.map(\.0)) else { return }
        for (name, keyPath, range) in fields {
            if let value = object[name], let number = integer(value, at: "limits.\(name)", in: range) {
                settings[keyPath: keyPath] = number
            }
        }
    }

    private mutating func rateLimit(_ value: JSONValue, at path: String) -> BalancerConfiguration.RateLimit? {
        if case .null = value { return nil }
        guard let object = object(value, at: path, fields: ["requests_per_second", "burst"]) else { return nil }
        let ratePath = "\(path).requests_per_second"
        var rate: Double? = nil
        switch object["requests_per_second"] {
        case .integer(let number)? where number > 0 && number <= 1_000_000: rate = Double(number)
        case .double(let number)? where number > 0 && number <= 1_000_000: rate = number
        case let other?:
            expected("a number of requests a second, more than 0 and at most 1000000", at: ratePath, got: other)
        case nil: report(ratePath, "required: the sustained requests a second per client")
        }
        var burst: Int? = rate.map { Int($0.rounded(.up)) }
        if let value = object["burst"] { burst = integer(value, at: "\(path).burst", in: 1...1_000_000) }
        guard let rate, let burst else { return nil }
        return .init(requestsPerSecond: rate, burst: burst)
    }

    private mutating func keepalive(_ value: JSONValue, into settings: inout BalancerConfiguration.Keepalive) {
        let fields = ["connections_per_upstream", "idle_timeout"]
        guard let object = object(value, at: "keepalive", fields: fields) else { return }
        if let value = object["connections_per_upstream"],
            let count = integer(value, at: "keepalive.connections_per_upstream", in: 0...65_536)
        {
            settings.connectionsPerUpstream = count
        }
        if let value = object["idle_timeout"], let amount = duration(value, at: "keepalive.idle_timeout") {
            settings.idleTimeout = amount
        }
    }

    private mutating func admin(_ value: JSONValue, at path: String) -> BalancerConfiguration.AdminListener? {
        guard let object = object(value, at: path, fields: ["port_offset", "address"]) else { return nil }
        switch (object["port_offset"], object["address"]) {
        case (let offset?, nil):
            return integer(offset, at: "\(path).port_offset", in: 1...65_535).map { .portOffset($0) }
        case (nil, let address?):
            return upstreamAddress(address, at: "\(path).address").map { .address($0) }
        case (.some, .some):
            report(path, "expected either \"port_offset\" or \"address\", not both")
            return nil
        case (nil, nil):
            report(path, "expected {\"port_offset\": 10000} or {\"address\": \"127.0.0.1:9000\"}")
            return nil
        }
    }
}
