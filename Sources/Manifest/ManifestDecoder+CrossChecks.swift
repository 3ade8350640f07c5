import JSON

extension ManifestDecoder {
    /// Checks that span services: dependency cycles, `healthy` dependencies on services without a health
    /// check, `{{…}}` references, and whether the subnet holds every instance.
    mutating func checkAcrossServices(of stack: StackSpec) {
        for cycle in StackSpec.dependencyCycles(in: stack.services) {
            report("services", "dependency cycle \(cycle.joined(separator: " -> "))")
        }
        for service in stack.services {
            for (dependency, condition) in service.dependencies where condition == .healthy {
                if let target = stack[service: dependency], target.healthCheck == nil {
                    report(
                        "services.\(service.name).depends_on.\(dependency)",
                        "\(dependency) has no healthcheck, so it can never be healthy; use started or add a healthcheck"
                    )
                }
            }
            for (offset, argument) in service.command.enumerated() {
                checkReferences(in: argument, at: "services.\(service.name).command[\(offset)]", stack: stack)
            }
            for (name, value) in service.environment {
                checkReferences(in: value, at: "services.\(service.name).environment.\(name)", stack: stack)
            }
        }
        // Every service counts, profiled ones included: enabling a profile must not run out of addresses.
        let needed = stack.services.reduce(0) { $0 + $1.replicas }
        if needed > stack.subnet.instanceCapacity {
            let capacity = stack.subnet.instanceCapacity
            report(
                "network.subnet",
                "\(stack.subnet) has \(capacity) usable address\(capacity == 1 ? "" : "es"), the services need \(needed)"
            )
        }
    }

    /// Every `{{…}}` in `text` must be well formed, name a service, and an instance it declares.
    mutating func checkReferences(in text: String, at path: String, stack: StackSpec) {
        switch InstanceReference.segments(of: text) {
        case .failure(let failure):
            report(path, failure.message)
        case .success(let segments):
            for case .reference(let reference) in segments {
                guard let target = stack[service: reference.service] else {
                    report(path, "\(reference) refers to unknown service \(JSONValue.quoted(reference.service))")
                    continue
                }
                if let index = reference.index, index > target.replicas {
                    report(
                        path,
                        "\(reference) refers to instance \(index), but \(target.name) has \(target.replicas) replicas")
                }
            }
        }
    }
}
