extension StackSpec {
    /// Service names in an order that starts every dependency before its dependants; among services that
    /// could start next, manifest order decides, so the order is stable. Services outside the spec (after
    /// `selecting(profiles:)`) are ignored as dependencies.
    public var startOrder: [String] {
        let names = Set(services.map(\.name))
        var remaining = services.map { service in
            (name: service.name, waitsFor: Set(service.dependencies.map(\.service)).intersection(names))
        }
        var order: [String] = []
        while !remaining.isEmpty {
            // Validation rejects cycles; should one slip through, manifest order breaks it rather than hang.
            let next = remaining.firstIndex(where: { $0.waitsFor.isEmpty }) ?? 0
            let name = remaining.remove(at: next).name
            order.append(name)
            for index in remaining.indices { remaining[index].waitsFor.remove(name) }
        }
        return order
    }

    /// `startOrder` reversed: dependants stop before what they depend on.
    public var stopOrder: [String] { startOrder.reversed() }

    /// Every dependency cycle among `services`, each as the names along it with the first repeated at the
    /// end (`["api", "store", "api"]`), starting at its member earliest in manifest order. Dependencies on
    /// unknown services are ignored (validation reports those on their own).
    static func dependencyCycles(in services: [ServiceSpec]) -> [[String]] {
        let position = Dictionary(uniqueKeysWithValues: services.enumerated().map { ($1.name, $0) })
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var stack: [String] = []
        var cycles: [[String]] = []
        var seen: Set<Set<String>> = []

        func visit(_ service: ServiceSpec) {
            marks[service.name] = .visiting
            stack.append(service.name)
            for dependency in service.dependencies.map(\.service) {
                guard let index = position[dependency] else { continue }
                switch marks[dependency] {
                case .visiting:
                    var cycle = Array(stack[stack.lastIndex(of: dependency)!...])
                    let first = cycle.indices.min(by: { position[cycle[$0]]! < position[cycle[$1]]! })!
                    cycle = Array(cycle[first...] + cycle[..<first])
                    if seen.insert(Set(cycle)).inserted { cycles.append(cycle + [cycle[0]]) }
                case .done:
                    break
                case nil:
                    visit(services[index])
                }
            }
            stack.removeLast()
            marks[service.name] = .done
        }
        for service in services where marks[service.name] == nil { visit(service) }
        return cycles
    }
}
