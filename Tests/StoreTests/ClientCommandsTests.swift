import Testing

@testable import Store

@Suite struct ClientCommandsTests {
    /// The bulk string's text of a RESP2 reply.
    private func text(_ reply: String) -> String {
        guard let start = reply.firstRange(of: "\r\n") else { return reply }
        return String(reply[start.upperBound...].dropLast(2))
    }

    @Test("CLIENT LIST has one line per client in Redis's field order, the last command included")
    func list() {
        let store = StoreHarness()
        let other = store.executor.openSession(peer: "127.0.0.1:50001", localAddress: "127.0.0.1:6379", fd: 9)
        store.run(as: other, "CLIENT", "SETNAME", "worker")
        store.run(as: other, "GET", "k")
        store.advance(milliseconds: 3000)
        let lines = text(store.run("CLIENT", "LIST")).split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("id=1 addr= laddr= fd=-1 name= age="))
        #expect(lines[0].hasSuffix("cmd=client|list user=default redir=-1 resp=2"))
        #expect(
            lines[1].hasPrefix("id=2 addr=127.0.0.1:50001 laddr=127.0.0.1:6379 fd=9 name=worker age="))
        #expect(lines[1].contains(" idle=3 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 "))
        #expect(lines[1].contains(" events=r cmd=get user=default "))
        #expect(text(store.run("CLIENT", "LIST", "ID", "2")).hasPrefix("id=2 "))
        #expect(store.run("CLIENT", "LIST", "TYPE", "pubsub") == "$0\r\n\r\n")
        #expect(store.run("CLIENT", "LIST", "TYPE", "bogus") == "-ERR Unknown client type 'bogus'\r\n")
    }

    @Test("CLIENT INFO describes the caller; CLIENT LIST shows MULTI's queue length and flag")
    func info() {
        let store = StoreHarness()
        store.run("MULTI")
        store.run("SET", "k", "v")
        let other = store.executor.openSession()
        let list = store.run(as: other, "CLIENT", "LIST", "ID", "1")
        #expect(list.contains("flags=x db=0 sub=0 psub=0 ssub=0 multi=1 "))
        #expect(list.contains("cmd=set "))
        store.run("DISCARD")
        store.run("HELLO", "3")
        let reply = store.run("CLIENT", "INFO")
        #expect(reply.hasPrefix("="))
        #expect(reply.contains("txt:id=1 "))
        #expect(reply.hasSuffix("resp=3\n\r\n"))
    }

    @Test("CLIENT KILL by ID, ADDR and the old ip:port form closes the client; the caller is skipped")
    func kill() {
        let store = StoreHarness()
        let a = store.executor.openSession(peer: "127.0.0.1:50001")
        let b = store.executor.openSession(peer: "127.0.0.1:50002")
        let c = store.executor.openSession(peer: "127.0.0.1:50003")
        var closed: [Int] = []
        for session in [a, b, c] {
            session.closeConnection = { [unowned store] in
                closed.append(session.id)
                store.executor.closeSession(session)
            }
        }
        #expect(store.run("CLIENT", "KILL", "ID", "\(a.id)") == ":1\r\n")
        #expect(store.run("CLIENT", "KILL", "ADDR", "127.0.0.1:50002") == ":1\r\n")
        #expect(store.run("CLIENT", "KILL", "127.0.0.1:50003") == "+OK\r\n")
        #expect(closed == [a.id, b.id, c.id])
        #expect(store.executor.clients.count == 1)
        #expect(store.run("CLIENT", "KILL", "127.0.0.1:50003") == "-ERR No such client\r\n")
        #expect(store.run("CLIENT", "KILL", "ID", "1") == ":0\r\n")
        #expect(store.run("CLIENT", "KILL", "ID", "0") == "-ERR client-id should be greater than 0\r\n")
        #expect(store.run("CLIENT", "KILL", "ID", "1", "BOGUS", "x") == "-ERR syntax error\r\n")
        #expect(store.run("CLIENT", "KILL", "ID", "1", "SKIPME", "no") == ":1\r\n")
        #expect(store.client.shouldClose)
    }
}

@Suite struct ShutdownCommandTests {
    @Test("SHUTDOWN hands SAVE or NOSAVE to the server and replies nothing; bad options are errors")
    func shutdown() {
        let store = StoreHarness()
        var requests: [CommandExecutor.ShutdownSave] = []
        store.executor.shutdownHandler = { save, _ in requests.append(save) }
        #expect(store.run("SHUTDOWN") == "")
        #expect(store.client.shouldClose)
        #expect(store.run("SHUTDOWN", "NOSAVE") == "")
        #expect(store.run("SHUTDOWN", "save", "NOW", "FORCE") == "")
        #expect(requests == [.configured, .noSave, .save])
        #expect(store.run("SHUTDOWN", "SAVE", "NOSAVE") == "-ERR syntax error\r\n")
        #expect(store.run("SHUTDOWN", "LATER") == "-ERR syntax error\r\n")
        #expect(store.run("SHUTDOWN", "ABORT") == "-ERR No shutdown in progress.\r\n")
        #expect(requests.count == 3)
    }

    @Test("A SHUTDOWN whose save fails replies an error and keeps the client, unless FORCE")
    func failedSave() {
        var configuration = StoreHarness.defaultConfiguration
        configuration.dir = "/nonexistent-store-directory"
        let store = StoreHarness(configuration: configuration)
        var requests: [CommandExecutor.ShutdownSave] = []
        store.executor.shutdownHandler = { save, _ in requests.append(save) }
        #expect(store.run("SHUTDOWN", "SAVE") == "-ERR Errors trying to SHUTDOWN. Check logs.\r\n")
        #expect(!store.client.shouldClose)
        #expect(requests.isEmpty)
        #expect(store.run("SHUTDOWN", "SAVE", "FORCE") == "")
        #expect(requests == [.save])
    }
}

@Suite struct ShutdownPauseTests {
    @Test("Once SHUTDOWN began, writes are refused while reads still run; a failed save lifts the pause")
    func pausesWrites() {
        var configuration = StoreHarness.defaultConfiguration
        configuration.dir = "/nonexistent-store-directory"
        let store = StoreHarness(configuration: configuration)
        store.run("SET", "a", "1")
        #expect(store.run("SHUTDOWN", "SAVE").hasPrefix("-ERR Errors trying to SHUTDOWN"))
        #expect(store.run("SET", "a", "2") == "+OK\r\n")
        store.executor.shutdownHandler = { _, _ in }
        let other = store.executor.openSession()
        #expect(store.run(as: other, "SHUTDOWN", "NOSAVE", "NOW") == "")
        #expect(store.executor.shutdownSkipsReplicaWait)
        #expect(store.run("SET", "a", "3") == "-ERR the store is shutting down: writes are paused\r\n")
        #expect(store.run("GET", "a") == "$1\r\n2\r\n")
        // No replica attached: nothing to wait for.
        #expect(store.executor.replicasCaughtUp)
    }
}
