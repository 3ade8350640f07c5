/// Hands instances addresses from the subnet so that an instance keeps its address for as long as the
/// table lives, whatever other services do. The supervisor persists `assignments` and passes them back.
///
/// Rules, in order: an instance with an assignment keeps it; a new instance gets the lowest address that
/// no assignment holds; when none is left, it takes the lowest address held by an instance that is no
/// longer running (so scaling down and up again reuses the old address while there is room).
public struct AddressAllocator: Sendable, Equatable {
    /// The subnet addresses come from.
    public let subnet: IPv4Subnet
    /// Instance name to address, including instances no longer running (they keep a claim until the
    /// subnet runs short).
    public private(set) var assignments: [String: IPv4Address]

    /// An allocator over `subnet`, seeded with `previous` assignments. Assignments outside the subnet's
    /// instance addresses (the subnet changed) are dropped, as are later duplicates of an address (by
    /// instance name), so a damaged table cannot hand one address to two instances.
    public init(subnet: IPv4Subnet, previous: [String: IPv4Address] = [:]) {
        self.subnet = subnet
        var assignments: [String: IPv4Address] = [:]
        var taken: Set<IPv4Address> = []
        for (instance, address) in previous.sorted(by: { $0.key < $1.key }) {
            guard subnet.instanceAddresses?.contains(address.value) == true, taken.insert(address).inserted else {
                continue
            }
            assignments[instance] = address
        }
        self.assignments = assignments
    }

    /// Addresses for exactly `instances` (the running set, in the order new ones should be served),
    /// keeping existing assignments. Throws `unresolvable` if the subnet cannot hold them all; the table is
    /// then unchanged.
    public mutating func allocate(_ instances: [String]) throws(ManifestError) -> [String: IPv4Address] {
        precondition(Set(instances).count == instances.count, "instance names must be unique")
        let capacity = subnet.instanceCapacity
        guard instances.count <= capacity else {
            throw .unresolvable([
                ManifestProblem(
                    path: "network.subnet",
                    message: "\(subnet) has \(capacity) usable address\(capacity == 1 ? "" : "es"), "
                        + "the instances need \(instances.count)")
            ])
        }
        let running = Set(instances)
        var table = assignments
        var held = Set(table.values)
        var candidates = subnet.instanceAddresses!.makeIterator()
        // Stale claims, lowest address first: given up only once no free address is left.
        var stale = table.filter { !running.contains($0.key) }.sorted(by: { $0.value < $1.value }).makeIterator()
        for instance in instances where table[instance] == nil {
            var address: IPv4Address?
            while address == nil, let next = candidates.next() {
                if !held.contains(IPv4Address(next)) { address = IPv4Address(next) }
            }
            if address == nil, let (owner, reclaimed) = stale.next() {
                table[owner] = nil
                address = reclaimed
            }
            // The capacity check above guarantees one of the two sources had an address.
            table[instance] = address!
            held.insert(address!)
        }
        assignments = table
        return table.filter { running.contains($0.key) }
    }
}
