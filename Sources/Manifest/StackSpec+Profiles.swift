extension StackSpec {
    /// The stack with only the services that run under `activeProfiles` (see
    /// `ServiceSpec.isEnabled(activeProfiles:)`), in manifest order.
    ///
    /// - Throws: `invalid` if an enabled service depends on, or refers with `{{…}}` to, a disabled one;
    ///   compose fails the same way rather than silently starting a service without its dependency.
    public func selecting(profiles activeProfiles: Set<String>) throws(ManifestError) -> StackSpec {
        let enabled = services(activeProfiles: activeProfiles)
        let names = Set(enabled.map(\.name))
        var problems: [ManifestProblem] = []
        func disabled(_ name: String) -> String {
            let profiles = self[service: name]?.profiles.joined(separator: ", ") ?? ""
            return "\(name) is not enabled by the active profiles (it needs one of: \(profiles))"
        }
        for service in enabled {
            for (dependency, _) in service.dependencies where !names.contains(dependency) {
                problems.append(
                    ManifestProblem(
                        path: "services.\(service.name).depends_on.\(dependency)", message: disabled(dependency)))
            }
            let texts =
                service.command.enumerated().map { ("services.\(service.name).command[\($0)]", $1) }
                + service.environment.map { ("services.\(service.name).environment.\($0.name)", $0.value) }
            for (path, text) in texts {
                guard case .success(let segments) = InstanceReference.segments(of: text) else { continue }
                for case .reference(let reference) in segments where !names.contains(reference.service) {
                    problems.append(
                        ManifestProblem(path: path, message: "\(reference): " + disabled(reference.service)))
                }
            }
        }
        guard problems.isEmpty else {
            let list = activeProfiles.sorted().joined(separator: ", ")
            throw ManifestError(
                .invalid,
                "unable to select profiles [\(list)]: \(problems.count) problem\(problems.count == 1 ? "" : "s")",
                problems: problems)
        }
        var selected = self
        selected.services = enabled
        return selected
    }
}
