import Core
import RESP
import Reactor
import Testing

@testable import ShopAPI

@Suite struct MasterLocatorTests {
    let one = SocketAddress("127.0.0.1:6379")!
    let two = SocketAddress("127.0.0.2:6379")!
    let three = SocketAddress("127.0.0.3:6379")!

    @Test("ROLE replies of a master (with its replicas) and of a replica are understood")
    func roles() {
        let master = RESPValue.array([
            .bulkString("master"), .integer(42),
            .array([.array([.bulkString("127.0.0.2"), .bulkString("6379"), .bulkString("42")])]),
        ])
        #expect(MasterLocator.role(from: master) == .master(offset: 42, replicas: [two]))
        let replica = RESPValue.array([
            .bulkString("slave"), .bulkString("127.0.0.1"), .integer(6379), .bulkString("connected"), .integer(42),
        ])
        #expect(MasterLocator.role(from: replica) == .replica(master: one))
        #expect(MasterLocator.role(from: .error("ERR unknown command")) == nil)
        #expect(MasterLocator.role(from: .array([.bulkString("sentinel"), .array([])])) == nil)
    }

    @Test("a replica listed off loopback is ignored: the API never follows the store off the machine")
    func loopbackOnly() {
        let master = RESPValue.array([
            .bulkString("master"), .integer(0),
            .array([.array([.bulkString("10.0.0.2"), .bulkString("6379"), .bulkString("0")])]),
        ])
        #expect(MasterLocator.role(from: master) == .master(offset: 0, replicas: []))
    }

    @Test("a sentinel's [host, port] names the master; nil or an error names none")
    func sentinelReplies() {
        #expect(
            MasterLocator.master(fromSentinelReply: .array([.bulkString("127.0.0.2"), .bulkString("6379")])) == two)
        #expect(MasterLocator.master(fromSentinelReply: .nullArray) == nil)
        #expect(MasterLocator.master(fromSentinelReply: .null) == nil)
        #expect(MasterLocator.master(fromSentinelReply: .error("IDONTKNOW")) == nil)
    }

    @Test("among several masters the one with the most replicas wins, then the highest offset, then the first")
    func choice() {
        let chosen = MasterLocator.choose([
            (one, .master(offset: 900, replicas: [])), (two, .master(offset: 10, replicas: [three])),
            (three, .replica(master: two)),
        ])
        #expect(chosen == StoreTopology(master: two, replicas: [three]))
        let byOffset = MasterLocator.choose([
            (one, .master(offset: 5, replicas: [])), (two, .master(offset: 9, replicas: [])),
        ])
        #expect(byOffset?.master == two)
        let tie = MasterLocator.choose([
            (one, .master(offset: 5, replicas: [])), (two, .master(offset: 5, replicas: [])),
        ])
        #expect(tie?.master == one)
        #expect(MasterLocator.choose([(one, .replica(master: two))]) == nil)
    }
}
