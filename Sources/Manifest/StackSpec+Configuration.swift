import JSON

extension StackSpec {
    /// What replaces a secret in `stack config` output.
    public static let mask = "********"

    /// Whether variable `name` holds a secret: it is listed in `secrets`, or its name contains PASSWORD,
    /// SECRET, TOKEN or KEY (in any case).
    public func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return secrets.contains(name) || ["PASSWORD", "SECRET", "TOKEN", "KEY"].contains(where: upper.contains)
    }

    /// The resolved stack as pretty JSON, for `stack config`: the project, then each service with its
    /// settings and defaults spelled out and its instances (name, address, port, command, environment).
    ///
    /// Secrets are masked: the value of every secret variable is replaced with `mask`, and so is any
    /// occurrence of a secret's value inside other strings (a password interpolated into a URL). Values
    /// shorter than four characters are only masked where they stand alone, so that a secret such as `1`
    /// does not garble the output.
    public func renderConfiguration(instances: [InstanceSpec]) -> String {
        var secretValues: Set<String> = []
        for (name, value) in variables where isSecret(name) && !value.isEmpty { secretValues.insert(value) }
        for service in services {
            for (name, value) in service.environment where isSecret(name) && !value.isEmpty {
                secretValues.insert(value)
            }
        }
        let embedded = secretValues.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
        func masked(_ text: String) -> String {
            embedded.reduce(text) { $0.replacing($1, with: Self.mask) }
        }
        func environment(_ variables: [(name: String, value: String)]) -> JSONValue {
            .object(JSONObject(variables.map { ($0.name, .string(isSecret($0.name) ? Self.mask : masked($0.value))) }))
        }
        func strings(_ values: [String]) -> JSONValue { .array(values.map { .string(masked($0)) }) }

        var servicesObject = JSONObject()
        for service in services {
            var object = JSONObject()
            object["command"] = strings(service.command)
            object["replicas"] = .integer(service.replicas)
            object["port"] = .integer(service.port)
            if !service.publish.isEmpty { object["publish"] = .array(service.publish.map { .string($0.description) }) }
            object["restart"] = .string(service.restart.description)
            if !service.dependencies.isEmpty {
                object["depends_on"] = .object(
                    JSONObject(service.dependencies.map { ($0.service, .string($0.condition.description)) }))
            }
            if let check = service.healthCheck { object["healthcheck"] = Self.render(check, masking: masked) }
            object["stop_signal"] = .string(service.stopSignal.name)
            object["stop_grace_period"] = .string(service.stopGracePeriod.description)
            if !service.profiles.isEmpty { object["profiles"] = .array(service.profiles.map { .string($0) }) }
            object["environment"] = environment(service.environment)
            object["instances"] = .array(
                instances.filter { $0.service == service.name }.map { instance in
                    .object(
                        JSONObject([
                            ("name", .string(instance.name)), ("address", .string("\(instance.address)")),
                            ("port", .integer(instance.port)), ("command", strings(instance.command)),
                            ("environment", environment(instance.environment)),
                        ]))
                })
            servicesObject[service.name] = .object(object)
        }
        let root = JSONObject([
            ("name", .string(name)), ("network", .object(JSONObject([("subnet", .string(subnet.description))]))),
            ("env_file", .string(envFile)), ("secrets", .array(secrets.map { .string($0) })),
            ("services", .object(servicesObject)),
        ])
        return JSONValue.object(root).prettyPrinted() + "\n"
    }

    private static func render(_ check: HealthCheckSpec, masking masked: (String) -> String) -> JSONValue {
        var object = JSONObject()
        switch check.probe {
        case .http(let path): object["http"] = .string(path)
        case .tcp: object["tcp"] = .bool(true)
        case .exec(let argv): object["exec"] = .array(argv.map { .string(masked($0)) })
        }
        object["interval"] = .string(check.interval.description)
        object["timeout"] = .string(check.timeout.description)
        object["retries"] = .integer(check.retries)
        object["start_period"] = .string(check.startPeriod.description)
        object["liveness"] = .bool(check.isLiveness)
        return .object(object)
    }
}
