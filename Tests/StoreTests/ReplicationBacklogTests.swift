import Core
import Testing

@testable import Store

@Suite struct ReplicationBacklogTests {
    @Test("An empty backlog continues only from the next byte")
    func empty() {
        let backlog = ReplicationBacklog(capacity: 16, masterOffset: 100)
        #expect(backlog.firstOffset == 101)
        #expect(backlog.canContinue(from: 101))
        #expect(backlog.bytes(from: 101) == [])
        #expect(!backlog.canContinue(from: 100))
        #expect(!backlog.canContinue(from: 102))
    }

    @Test("Bytes are returned from any held offset, across the ring's wrap")
    func wrap() {
        var backlog = ReplicationBacklog(capacity: 8)
        backlog.append(Array("abcdef".utf8))
        #expect(backlog.bytes(from: 1) == Array("abcdef".utf8))
        backlog.append(Array("ghij".utf8))
        #expect(backlog.masterOffset == 10)
        #expect(backlog.firstOffset == 3)
        #expect(backlog.bytes(from: 3) == Array("cdefghij".utf8))
        #expect(backlog.bytes(from: 9) == Array("ij".utf8))
        #expect(backlog.bytes(from: 2) == nil)
        #expect(backlog.bytes(from: 11) == [])
    }

    @Test("A write bigger than the capacity keeps its tail")
    func oversized() {
        var backlog = ReplicationBacklog(capacity: 4)
        backlog.append(Array("0123456789".utf8))
        #expect(backlog.masterOffset == 10)
        #expect(backlog.bytes(from: 7) == Array("6789".utf8))
    }

    @Test("Random appends agree with a model of the whole stream")
    func model() {
        var generator = SystemRandomNumberGenerator()
        var backlog = ReplicationBacklog(capacity: 37)
        var stream: [UInt8] = []
        for _ in 0..<500 {
            let chunk = (0..<Int.random(in: 0...20, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            backlog.append(chunk)
            stream += chunk
            let from = Int.random(in: backlog.firstOffset...(backlog.masterOffset + 1), using: &generator)
            #expect(backlog.bytes(from: from) == Array(stream[(from - 1)...]))
        }
    }

    @Test("A feed continues a replica of its own or of its previous history, not of another")
    func feedHistories() {
        let feed = ReplicationFeed(backlogSize: 1 << 16, replicationID: String(repeating: "a", count: 40))
        #expect(!feed.canContinue(id: feed.replicationID, offset: 1))
        feed.isActive = true
        var command = ByteBuffer()
        command.writeBytes(Array("*1\r\n$4\r\nPING\r\n".utf8))
        feed.propagate(command)
        #expect(feed.canContinue(id: feed.replicationID, offset: 1))
        #expect(!feed.canContinue(id: String(repeating: "b", count: 40), offset: 1))
        let old = feed.replicationID
        feed.startNewHistory(previousID: old)
        #expect(feed.secondaryOffset == 14)
        #expect(feed.canContinue(id: old, offset: 15))
        feed.propagate(command)
        #expect(!feed.canContinue(id: old, offset: 16))
        #expect(feed.canContinue(id: feed.replicationID, offset: 16))
    }
}
