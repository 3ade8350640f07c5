import Testing

@testable import Manifest

@Suite struct IPv4SubnetTests {
    @Test("addresses parse strictly and print as dotted quads")
    func addresses() {
        #expect(IPv4Address("127.20.0.5")?.value == 0x7F14_0005)
        #expect(IPv4Address("127.20.0.5")?.description == "127.20.0.5")
        for bad in ["127.0.0", "127.0.0.256", "127.0.0.01", "a.b.c.d", "127..0.1", " 127.0.0.1"] {
            #expect(IPv4Address(bad) == nil, "\(bad)")
        }
    }

    @Test("instances get every host address but the first, which is the supervisor's")
    func instanceAddresses() {
        let subnet = IPv4Subnet("127.20.0.0/24")!
        #expect(subnet.supervisorAddress == IPv4Address("127.20.0.1"))
        #expect(subnet.instanceAddresses == IPv4Address("127.20.0.2")!.value...IPv4Address("127.20.0.254")!.value)
        #expect(subnet.instanceCapacity == 253)
        #expect(IPv4Subnet("127.20.0.0/30")!.instanceCapacity == 1)
        #expect(IPv4Subnet("127.20.0.0/31")!.instanceCapacity == 0)
        #expect(IPv4Subnet("127.20.0.0/32")!.instanceCapacity == 0)
    }

    @Test("containment and host bits")
    func containment() {
        let loopback = IPv4Subnet("127.0.0.0/8")!
        #expect(loopback.contains(IPv4Subnet("127.20.0.0/24")!))
        #expect(!loopback.contains(IPv4Subnet("10.0.0.0/24")!))
        #expect(!IPv4Subnet("127.20.0.0/24")!.contains(loopback))
        #expect(IPv4Subnet("127.20.0.5/24")!.hasHostBits)
        #expect(IPv4Subnet("127.20.0.5/24")!.normalized.description == "127.20.0.0/24")
        #expect(IPv4Subnet("127.20.0.0/33") == nil)
    }
}
