import JSON

extension StackSpec {
    /// Every instance of every service, in manifest order then by index, with addresses from `allocator`
    /// and `{{…}}` references and `STACK_*` variables filled in.
    ///
    /// - Parameters:
    ///   - overrides: replica counts that replace the manifest's (`stack scale api=3`), by service name.
    ///   - allocator: the address table; new instances are added to it, existing ones keep their address.
    ///     Its subnet must be this spec's.
    ///   - rootDirectory: the project directory; data and run files live under `<root>/.stack/`.
    /// - Throws: `unresolvable` for overrides naming unknown services or negative counts, references to
    ///   instances that the overrides removed or to services outside the spec, and subnet exhaustion.
    public func resolveInstances(
        replicas overrides: [String: Int] = [:], allocator: inout AddressAllocator, rootDirectory: String
    ) throws(ManifestError) -> [InstanceSpec] {
        precondition(allocator.subnet == subnet, "the allocator's subnet \(allocator.subnet) is not \(subnet)")
        var problems: [ManifestProblem] = []
        for (name, count) in overrides.sorted(by: { $0.key < $1.key }) {
            if self[service: name] == nil {
                problems.append(
                    ManifestProblem(path: "replicas.\(name)", message: "unknown service \(JSONValue.quoted(name))"))
            } else if count < 0 {
                problems.append(
                    ManifestProblem(path: "replicas.\(name)", message: "expected a non-negative integer, got \(count)"))
            }
        }
        guard problems.isEmpty else { throw .unresolvable(problems) }

        let counts = Dictionary(uniqueKeysWithValues: services.map { ($0.name, overrides[$0.name] ?? $0.replicas) })
        let names = services.flatMap { service in (0..<counts[service.name]!).map { "\(service.name)-\($0 + 1)" } }
        let addresses = try allocator.allocate(names)

        let root =
            rootDirectory.hasSuffix("/") && rootDirectory.count > 1 ? String(rootDirectory.dropLast()) : rootDirectory
        func endpoints(_ service: ServiceSpec) -> [(host: IPv4Address, name: String)] {
            (0..<counts[service.name]!).map { index in
                let name = "\(service.name)-\(index + 1)"
                return (addresses[name]!, name)
            }
        }
        func resolve(_ text: String, at path: String) -> String {
            guard case .success(let segments) = InstanceReference.segments(of: text) else { return text }
            var result = ""
            for segment in segments {
                switch segment {
                case .literal(let literal):
                    result += literal
                case .reference(let reference):
                    guard let target = self[service: reference.service] else {
                        problems.append(
                            ManifestProblem(
                                path: path, message: "\(reference) refers to \(reference.service), which is not enabled"
                            ))
                        continue
                    }
                    let instances = endpoints(target)
                    if let index = reference.index, index > instances.count {
                        problems.append(
                            ManifestProblem(
                                path: path,
                                message:
                                    "\(reference) refers to instance \(index), but \(target.name) runs \(instances.count)"
                            ))
                        continue
                    }
                    switch reference.attribute {
                    case .addresses: result += instances.map { "\($0.host):\(target.port)" }.joined(separator: ",")
                    case .hosts: result += instances.map { "\($0.host)" }.joined(separator: ",")
                    case .port: result += String(target.port)
                    case .replicas: result += String(instances.count)
                    case .address(let index): result += "\(instances[index - 1].host):\(target.port)"
                    case .host(let index): result += "\(instances[index - 1].host)"
                    case .name(let index): result += instances[index - 1].name
                    }
                }
            }
            return result
        }

        var instances: [InstanceSpec] = []
        for service in services {
            for (offset, endpoint) in endpoints(service).enumerated() {
                let command = service.command.enumerated().map { position, argument in
                    resolve(argument, at: "services.\(service.name).command[\(position)]")
                }
                var environment = service.environment.map { variable in
                    (
                        name: variable.name,
                        value: resolve(variable.value, at: "services.\(service.name).environment.\(variable.name)")
                    )
                }
                let dataDirectory = "\(root)/.stack/data/\(endpoint.name)"
                environment += [
                    ("STACK_PROJECT", name), ("STACK_SERVICE", service.name), ("STACK_INSTANCE", String(offset + 1)),
                    ("STACK_ADDRESS", "\(endpoint.host)"), ("STACK_PORT", String(service.port)),
                    ("STACK_DATA_DIR", dataDirectory), ("STACK_DISCOVERY_FILE", "\(root)/.stack/run/endpoints.json"),
                ]
                // Published addresses are bound by the service itself (the balancer listens on them too): no
                // forwarding hop in the supervisor, and SO_REUSEPORT lets every instance share them.
                if !service.publish.isEmpty {
                    environment.append(("STACK_PUBLISH", service.publish.map(\.description).joined(separator: ",")))
                }
                instances.append(
                    InstanceSpec(
                        name: endpoint.name, service: service.name, index: offset + 1, address: endpoint.host,
                        port: service.port, command: command, environment: environment, dataDirectory: dataDirectory))
            }
        }
        guard problems.isEmpty else {
            // The same reference fails for every instance of a service: report it once.
            var seen: Set<String> = []
            throw .unresolvable(problems.filter { seen.insert($0.description).inserted })
        }
        return instances
    }
}
