import JSON

extension ManifestDecoder {
    /// The top-level fields of a manifest.
    static let stackFields = ["name", "network", "env_file", "secrets", "services"]
    static let networkFields = ["subnet"]

    /// The stack in `tree`, with defaults for what is missing or unusable; problems are recorded, and
    /// the result is only meaningful when there are none.
    mutating func decodeStack(_ tree: JSONValue, variables: [String: String]) -> StackSpec {
        var stack = StackSpec(name: "", subnet: StackSpec.defaultSubnet, services: [], variables: variables)
        guard let root = object(tree, at: "", fields: Self.stackFields, what: "a JSON object") else { return stack }

        if let value = root["name"] {
            if let name = string(value, at: "name") {
                if Self.isName(name) {
                    stack.name = name
                } else {
                    report(
                        "name",
                        "expected letters, digits, '_' and '-', starting with a letter or digit, got \(JSONValue.quoted(name))"
                    )
                }
            }
        } else {
            report("name", "missing; expected the project name")
        }

        if let value = root["network"],
            let network = object(value, at: "network", fields: Self.networkFields, what: "an object")
        {
            if let value = network["subnet"], let subnet = decodeSubnet(value, at: "network.subnet") {
                stack.subnet = subnet
            }
        }

        if let value = root["env_file"], let path = string(value, at: "env_file") {
            if path.isEmpty { report("env_file", "expected a file path, got \"\"") } else { stack.envFile = path }
        }

        if let value = root["secrets"] {
            stack.secrets = names(
                value, at: "secrets", what: "a variable name", isValid: EnvironmentFile.isVariableName)
            for (offset, name) in stack.secrets.enumerated()
            where EnvironmentFile.isVariableName(name) && variables[name] == nil {
                report("secrets[\(offset)]", "\(name) is not defined in \(stack.envFile) or the environment")
            }
        }

        guard let value = root["services"] else {
            report("services", "missing; expected an object of services by name")
            return stack
        }
        guard case .object(let services) = value else {
            expected("an object of services by name", at: "services", got: value)
            return stack
        }
        if services.members.isEmpty { report("services", "expected at least one service") }
        let declared = Set(services.keys)
        var published: [PublishedAddress: String] = [:]
        for (name, value) in services.members {
            let path = "services".child(name)
            if !Self.isName(name) {
                report(
                    path, "invalid service name; expected letters, digits, '_' and '-', starting with a letter or digit"
                )
            }
            if let service = decodeService(
                named: name, value, at: path, declared: declared, subnet: stack.subnet, published: &published)
            {
                stack.services.append(service)
            }
        }
        return stack
    }

    /// A subnet inside 127.0.0.0/8 with no host bits set and room for at least one instance.
    mutating func decodeSubnet(_ value: JSONValue, at path: String) -> IPv4Subnet? {
        guard case .string(let text) = value, let subnet = IPv4Subnet(text) else {
            expected("a loopback subnet such as \"127.20.0.0/24\"", at: path, got: value)
            return nil
        }
        if !IPv4Subnet("127.0.0.0/8")!.contains(subnet) {
            report(path, "\(text) is not inside 127.0.0.0/8; instances need loopback addresses")
            return nil
        }
        if subnet.hasHostBits {
            report(path, "\(text) has host bits set; did you mean \(subnet.normalized)?")
            return nil
        }
        if subnet.instanceCapacity == 0 {
            report(path, "\(text) has no address left for instances; use a prefix of /30 or shorter")
            return nil
        }
        return subnet
    }
}
