import Testing

@testable import Manifest

@Suite struct AddressAllocatorTests {
    private let subnet = IPv4Subnet("127.20.0.0/24")!

    private func hosts(_ table: [String: IPv4Address]) -> [String: UInt32] { table.mapValues { $0.value & 0xFF } }

    @Test("a fresh table hands out the lowest addresses in request order, skipping the supervisor's .1")
    func fresh() throws {
        var allocator = AddressAllocator(subnet: subnet)
        let table = try allocator.allocate(["api-1", "api-2", "store-1"])
        #expect(hosts(table) == ["api-1": 2, "api-2": 3, "store-1": 4])
    }

    @Test("instances keep their addresses when other services scale up and down")
    func stableAcrossScaling() throws {
        var allocator = AddressAllocator(subnet: subnet)
        _ = try allocator.allocate(["api-1", "api-2", "store-1"])
        // api scales up: the new instance takes the next free address, store-1 keeps .4.
        #expect(
            hosts(try allocator.allocate(["api-1", "api-2", "api-3", "store-1"])) == [
                "api-1": 2, "api-2": 3, "api-3": 5, "store-1": 4,
            ])
        // api scales down: the others keep theirs; api-2 and api-3 keep a claim.
        #expect(
            hosts(try allocator.allocate(["api-1", "store-1", "store-2"])) == ["api-1": 2, "store-1": 4, "store-2": 6])
        // api scales up again: api-2 and api-3 get their old addresses back.
        #expect(
            hosts(try allocator.allocate(["api-1", "api-2", "api-3", "store-1", "store-2"]))
                == ["api-1": 2, "api-2": 3, "api-3": 5, "store-1": 4, "store-2": 6])
    }

    @Test("a table passed back in (as the supervisor persists it) gives the same addresses")
    func persisted() throws {
        var first = AddressAllocator(subnet: subnet)
        let table = try first.allocate(["a-1", "b-1", "b-2"])
        var second = AddressAllocator(subnet: subnet, previous: first.assignments)
        #expect(try second.allocate(["b-2", "b-1", "a-1", "c-1"]).filter { $0.key != "c-1" } == table)
    }

    @Test("addresses outside the subnet and duplicates in a damaged table are dropped")
    func damagedTable() throws {
        let previous = [
            "a-1": IPv4Address("127.20.0.7")!, "b-1": IPv4Address("127.20.0.7")!, "c-1": IPv4Address("127.21.0.9")!,
            "d-1": IPv4Address("127.20.0.1")!,
        ]
        var allocator = AddressAllocator(subnet: subnet, previous: previous)
        #expect(hosts(allocator.assignments) == ["a-1": 7])
        #expect(
            hosts(try allocator.allocate(["a-1", "b-1", "c-1", "d-1"])) == ["a-1": 7, "b-1": 2, "c-1": 3, "d-1": 4])
    }

    @Test("a full subnet reclaims stopped instances' claims, lowest first, and fails when truly exhausted")
    func exhaustion() throws {
        let small = IPv4Subnet("127.20.0.0/29")!  // .2 ... .6: five instance addresses
        var allocator = AddressAllocator(subnet: small)
        _ = try allocator.allocate(["a-1", "a-2", "a-3", "a-4", "a-5"])
        #expect(hosts(try allocator.allocate(["a-1", "a-2", "b-1"])) == ["a-1": 2, "a-2": 3, "b-1": 4])
        #expect(allocator.assignments["a-3"] == nil)
        #expect(hosts(allocator.assignments) == ["a-1": 2, "a-2": 3, "b-1": 4, "a-4": 5, "a-5": 6])
        let before = allocator
        #expect(
            throws: ManifestError.unresolvable([
                ManifestProblem(
                    path: "network.subnet", message: "127.20.0.0/29 has 5 usable addresses, the instances need 6")
            ])
        ) { try allocator.allocate(["a-1", "a-2", "a-3", "a-4", "a-5", "a-6"]) }
        #expect(allocator == before)
    }
}
