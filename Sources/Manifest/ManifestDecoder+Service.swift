import Core
import JSON

extension ManifestDecoder {
    static let serviceFields = [
        "command", "environment", "replicas", "port", "publish", "restart", "depends_on", "healthcheck", "stop_signal",
        "stop_grace_period", "profiles",
    ]
    static let healthCheckFields = [
        "http", "tcp", "exec", "interval", "timeout", "retries", "start_period", "liveness",
    ]
    static let probeFields = ["http", "tcp", "exec"]

    /// One service, or `nil` if it is not an object. Missing required fields are problems and get
    /// placeholders, so that later checks still run. `published` maps each published address to the path
    /// that claimed it first.
    mutating func decodeService(
        named name: String, _ value: JSONValue, at path: String, declared: Set<String>, subnet: IPv4Subnet,
        published: inout [PublishedAddress: String]
    ) -> ServiceSpec? {
        guard let fields = object(value, at: path, fields: Self.serviceFields, what: "an object") else { return nil }
        var service = ServiceSpec(name: name, command: [], port: 0)

        if let value = fields["command"] {
            if let argv = strings(value, at: path.child("command"), what: "an array of strings (program and arguments)")
            {
                if argv.isEmpty {
                    report(path.child("command"), "expected at least the program name, got an empty array")
                } else if argv[0].isEmpty {
                    report(path.child("command") + "[0]", "expected a program name, got \"\"")
                } else {
                    service.command = argv
                }
            }
        } else {
            report(path.child("command"), "missing; expected an array of strings (program and arguments)")
        }

        if let value = fields["environment"] {
            service.environment = decodeEnvironment(value, at: path.child("environment"))
        }
        if let value = fields["replicas"] {
            service.replicas =
                integer(value, at: path.child("replicas"), in: 0...Int.max, what: "a non-negative integer") ?? 1
        }
        if let value = fields["port"] {
            service.port = integer(value, at: path.child("port"), in: 1...65535, what: "a port number 1...65535") ?? 0
        } else {
            report(path.child("port"), "missing; expected the port every instance listens on, 1...65535")
        }
        if let value = fields["publish"] {
            service.publish = decodePublish(value, at: path.child("publish"), subnet: subnet, published: &published)
        }
        if let value = fields["restart"] {
            if case .string(let text) = value, let policy = RestartPolicy(text) {
                service.restart = policy
            } else {
                expected("no, always, on-failure[:N] or unless-stopped", at: path.child("restart"), got: value)
            }
        }
        if let value = fields["depends_on"] {
            service.dependencies = decodeDependencies(value, at: path.child("depends_on"), declared: declared)
        }
        if let value = fields["healthcheck"] {
            service.healthCheck = decodeHealthCheck(value, at: path.child("healthcheck"))
        }
        if let value = fields["stop_signal"] {
            if case .string(let text) = value, let signal = StopSignal(text) {
                service.stopSignal = signal
            } else {
                let names = StopSignal.known.map(\.name).joined(separator: ", ")
                expected("one of \(names)", at: path.child("stop_signal"), got: value)
            }
        }
        if let value = fields["stop_grace_period"], let grace = duration(value, at: path.child("stop_grace_period")) {
            service.stopGracePeriod = grace
        }
        if let value = fields["profiles"] {
            service.profiles = names(value, at: path.child("profiles"), what: "a profile name", isValid: Self.isName)
        }
        return service
    }

    // MARK: - Fields

    /// `{"NAME": "value"}` (numbers and booleans are stringified) or compose's `["NAME=value"]`.
    mutating func decodeEnvironment(_ value: JSONValue, at path: String) -> [(name: String, value: String)] {
        var entries: [(name: String, value: String)] = []
        func add(_ name: String, _ text: String, at path: String, into decoder: inout ManifestDecoder) {
            if !EnvironmentFile.isVariableName(name) {
                decoder.report(path, "invalid variable name; expected a letter or '_', then letters, digits and '_'")
            } else if name.hasPrefix("STACK_") {
                decoder.report(path, "STACK_ variables are set by the supervisor")
            } else {
                entries.append((name, text))
            }
        }
        switch value {
        case .object(let object):
            for (name, member) in object.members {
                let memberPath = path.child(name)
                switch member {
                case .string(let text): add(name, text, at: memberPath, into: &self)
                case .integer(let number): add(name, String(number), at: memberPath, into: &self)
                case .double(let number): add(name, String(number), at: memberPath, into: &self)
                case .bool(let flag): add(name, flag ? "true" : "false", at: memberPath, into: &self)
                case .null, .array, .object: expected("a string, number or boolean", at: memberPath, got: member)
                }
            }
        case .array(let elements):
            for (offset, element) in elements.enumerated() {
                let elementPath = "\(path)[\(offset)]"
                guard case .string(let text) = element, let equals = text.firstIndex(of: "=") else {
                    expected("\"NAME=value\"", at: elementPath, got: element)
                    continue
                }
                add(String(text[..<equals]), String(text[text.index(after: equals)...]), at: elementPath, into: &self)
            }
        default:
            expected("an object of variables", at: path, got: value)
        }
        return entries
    }

    /// `["127.0.0.1:8080", …]`: loopback, outside the instance subnet, and not published twice anywhere.
    mutating func decodePublish(
        _ value: JSONValue, at path: String, subnet: IPv4Subnet, published: inout [PublishedAddress: String]
    ) -> [PublishedAddress] {
        guard case .array(let elements) = value else {
            expected("an array of \"127.0.0.1:port\" strings", at: path, got: value)
            return []
        }
        var result: [PublishedAddress] = []
        for (offset, element) in elements.enumerated() {
            let elementPath = "\(path)[\(offset)]"
            guard case .string(let text) = element, let address = PublishedAddress(text) else {
                expected("a loopback address and port such as \"127.0.0.1:8080\"", at: elementPath, got: element)
                continue
            }
            if !address.host.isLoopback {
                report(elementPath, "\(address.host) is not a loopback address; expected one in 127.0.0.0/8")
            } else if subnet.contains(address.host) {
                report(
                    elementPath,
                    "\(address.host) is inside the instance subnet \(subnet); publish on another loopback address")
            } else if let owner = published[address] {
                report(elementPath, "\(address) is already published by \(owner)")
            } else {
                published[address] = elementPath
                result.append(address)
            }
        }
        return result
    }

    /// `{"store": "healthy"}`, compose's `{"store": {"condition": "service_healthy"}}`, or `["store"]`
    /// (meaning `started`).
    mutating func decodeDependencies(
        _ value: JSONValue, at path: String, declared: Set<String>
    ) -> [(service: String, condition: DependencyCondition)] {
        var result: [(service: String, condition: DependencyCondition)] = []
        func add(_ name: String, _ condition: DependencyCondition, at path: String, into decoder: inout ManifestDecoder)
        {
            if !declared.contains(name) {
                decoder.report(path, "unknown service \(JSONValue.quoted(name))")
            } else if result.contains(where: { $0.service == name }) {
                decoder.report(path, "\(name) is listed twice")
            } else {
                result.append((name, condition))
            }
        }
        switch value {
        case .array(let elements):
            for (offset, element) in elements.enumerated() {
                if let name = string(element, at: "\(path)[\(offset)]") {
                    add(name, .started, at: "\(path)[\(offset)]", into: &self)
                }
            }
        case .object(let object):
            for (name, member) in object.members {
                let memberPath = path.child(name)
                var conditionValue = member
                if case .object = member {
                    guard let long = self.object(member, at: memberPath, fields: ["condition"], what: "an object"),
                        let condition = long["condition"]
                    else {
                        report(memberPath.child("condition"), "missing; expected started or healthy")
                        continue
                    }
                    conditionValue = condition
                }
                guard case .string(let text) = conditionValue, let condition = DependencyCondition(manifestValue: text)
                else {
                    expected("started or healthy", at: memberPath, got: conditionValue)
                    continue
                }
                add(name, condition, at: memberPath, into: &self)
            }
        default:
            expected("an object of service: started|healthy, or an array of service names", at: path, got: value)
        }
        return result
    }

    /// Exactly one probe (`http`, `tcp` or `exec`) and the timing fields, with compose's defaults.
    mutating func decodeHealthCheck(_ value: JSONValue, at path: String) -> HealthCheckSpec? {
        guard let fields = object(value, at: path, fields: Self.healthCheckFields, what: "an object") else {
            return nil
        }
        let probes = Self.probeFields.filter { fields[$0] != nil }
        guard probes.count == 1 else {
            if probes.isEmpty {
                report(path, "expected one probe: http, tcp or exec")
            } else {
                report(path, "expected one probe, got \(probes.joined(separator: " and "))")
            }
            return nil
        }
        var check: HealthCheckSpec
        switch (probes[0], fields[probes[0]]!) {
        case ("http", .string(let target)) where target.hasPrefix("/"):
            check = HealthCheckSpec(probe: .http(path: target))
        case ("http", let other):
            expected("a request path starting with /", at: path.child("http"), got: other)
            return nil
        case ("tcp", .bool(true)):
            check = HealthCheckSpec(probe: .tcp)
        case ("tcp", let other):
            expected("true", at: path.child("tcp"), got: other)
            return nil
        case (_, let argvValue):
            guard let argv = strings(argvValue, at: path.child("exec")) else { return nil }
            guard !argv.isEmpty, !argv[0].isEmpty else {
                report(path.child("exec"), "expected at least the program name, got an empty command")
                return nil
            }
            check = HealthCheckSpec(probe: .exec(argv: argv))
        }
        if let value = fields["interval"], let interval = duration(value, at: path.child("interval"), positive: true) {
            check.interval = interval
        }
        if let value = fields["timeout"], let timeout = duration(value, at: path.child("timeout"), positive: true) {
            check.timeout = timeout
        }
        if let value = fields["retries"],
            let retries = integer(value, at: path.child("retries"), in: 1...Int.max, what: "a positive integer")
        {
            check.retries = retries
        }
        if let value = fields["start_period"], let period = duration(value, at: path.child("start_period")) {
            check.startPeriod = period
        }
        if let value = fields["liveness"], let flag = bool(value, at: path.child("liveness")) {
            check.isLiveness = flag
        }
        return check
    }
}
