import Core
import Foundation
import Synchronization
import Testing

@testable import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// One loop with a ChildWatcher shared by these tests: SIGCHLD can have one reader per process.
private let processLoop: EventLoop = {
    SignalWatcher.block([SIGCHLD])
    let loop = try! EventLoop.start(name: "process-tests")
    let ready = Atomic<Bool>(false)
    loop.execute {
        let watcher = try! ChildWatcher(loop: loop) { pid, status in exits.withLock { $0[pid] = status } }
        watcherBox.withLock { $0 = WatcherBox(watcher: watcher) }
        ready.store(true, ordering: .releasing)
    }
    while !ready.load(ordering: .acquiring) { sched_yield() }
    return loop
}()
private let exits = Mutex<[Int32: ProcessExitStatus]>([:])

/// The shared watcher; used on `processLoop` only.
private struct WatcherBox: @unchecked Sendable { var watcher: ChildWatcher? }
private let watcherBox = Mutex(WatcherBox())

/// Spawns on the test process's behalf and has the watcher reap the child.
private func spawnWatched(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdout: Int32 = -1,
    stderr: Int32 = -1
) throws -> Int32 {
    _ = processLoop
    let pid = try ProcessSpawner.spawn(
        executable: executable, arguments: arguments, environment: environment, stdout: stdout, stderr: stderr)
    processLoop.execute { watcherBox.withLock { $0.watcher?.watch(pid) } }
    return pid
}

@Suite(.serialized) struct ProcessSpawnerTests {
    @Test("a child's exit code reaches the watcher")
    func exitCode() throws {
        _ = processLoop
        let pid = try spawnWatched("/bin/sh", ["-c", "exit 3"])
        #expect(eventually { exits.withLock { $0[pid] } != nil })
        #expect(exits.withLock { $0[pid] } == .exited(3))
    }

    @Test("a child killed by a signal is reported as signaled")
    func signaled() throws {
        _ = processLoop
        let pid = try spawnWatched("/bin/sleep", ["30"])
        ProcessSpawner.signalGroup(pid, SIGKILL)
        #expect(eventually { exits.withLock { $0[pid] } != nil })
        #expect(exits.withLock { $0[pid] } == .signaled(SIGKILL))
        #expect(exits.withLock { $0[pid] }?.code == 137)
    }

    @Test("a missing executable fails at once with ENOENT")
    func missingExecutable() {
        #expect(throws: IOError("start /nonexistent/program", errno: ENOENT)) {
            _ = try ProcessSpawner.spawn(executable: "/nonexistent/program", arguments: [], environment: [:])
        }
    }

    @Test("the child gets exactly the given environment and its output reaches a pipe")
    func environmentAndOutput() async throws {
        let output = Mutex<String>("")
        let ended = Atomic<Bool>(false)
        let writeFD = try await processLoop.submit { () throws -> Int32 in
            let (reader, writeFD) = try PipeReader.makePipe(on: processLoop)
            reader.onRead = { buffer in
                let text = buffer.description
                buffer.clear()
                output.withLock { $0 += text }
            }
            reader.onEOF = { ended.store(true, ordering: .releasing) }
            return writeFD
        }
        _ = try spawnWatched(
            "/bin/sh", ["-c", "echo \"$GREETING $STACK_INSTANCE\"; env | wc -l"],
            environment: ["GREETING": "hello", "STACK_INSTANCE": "2"], stdout: writeFD, stderr: writeFD)
        close(writeFD)
        #expect(eventually { ended.load(ordering: .acquiring) })
        let lines = output.withLock { $0 }.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "hello 2")
        // sh adds PWD (and maybe SHLVL/_), nothing from our own environment such as PATH or HOME.
        #expect(Int(lines.last ?? "") ?? 99 <= 5)
    }

    @Test("the watchdog kills guarded process groups, grandchildren included, when the supervisor's pipe closes")
    func watchdog() throws {
        _ = processLoop
        let watchdog = try OrphanWatchdog()
        processLoop.execute { watcherBox.withLock { $0.watcher?.watch(watchdog.pid) } }
        // The child forks a grandchild in its own process group and both sleep.
        let pid = try spawnWatched(
            "/bin/sh", ["-c", "sleep 30 & echo $! > /tmp/evergreen-grandchild-\(getpid()); wait"])
        watchdog.guardGroup(pid)
        let file = "/tmp/evergreen-grandchild-\(getpid())"
        #expect(eventually { (try? FileSystem.read(file))?.isEmpty == false })
        let grandchild = Int32(
            String(decoding: (try FileSystem.read(file)) ?? [], as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines))!
        unlink(file)
        #expect(ProcessSpawner.isAlive(grandchild))
        watchdog.simulateSupervisorDeath()
        #expect(eventually { exits.withLock { $0[pid] } != nil })
        #expect(eventually { exits.withLock { $0[watchdog.pid] } != nil })
        // The grandchild was reparented to init, which reaps it once the watchdog's SIGKILL lands.
        #expect(eventually { !ProcessSpawner.isAlive(grandchild) })
    }

    @Test("signal names and numbers convert both ways")
    func signalNames() {
        #expect(Signal.number("SIGTERM") == 15)
        #expect(Signal.number("term") == 15)
        #expect(Signal.number("9") == 9)
        #expect(Signal.number("SIGNOPE") == nil)
        #expect(Signal.name(9) == "SIGKILL")
    }

    @Test("a rotating log file keeps at most the configured number of old files")
    func rotation() throws {
        let directory = "/tmp/evergreen-logs-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try FileSystem.createDirectory(directory)
        defer { FileSystem.removeTree(directory) }
        let log = try RotatingLogFile(path: "\(directory)/a.log", maxBytes: 100, keep: 2)
        for i in 0..<50 { log.write(ByteBuffer(string: "line \(i) of the log\n")) }
        #expect(FileSystem.exists("\(directory)/a.log"))
        #expect(FileSystem.exists("\(directory)/a.log.1"))
        #expect(FileSystem.exists("\(directory)/a.log.2"))
        #expect(!FileSystem.exists("\(directory)/a.log.3"))
        let last = String(decoding: try FileSystem.read("\(directory)/a.log") ?? [], as: UTF8.self)
        #expect(last.hasSuffix("line 49 of the log\n"))
        #expect(last.utf8.count <= 100)
    }

    @Test("an atomic write replaces the file whole")
    func atomicWrite() throws {
        let path = "/tmp/evergreen-atomic-\(getpid())-\(Int.random(in: 0..<1_000_000)).json"
        defer { unlink(path) }
        try FileSystem.writeAtomically(Array("{\"a\":1}".utf8), to: path)
        try FileSystem.writeAtomically(Array("{\"a\":2}".utf8), to: path)
        #expect(try FileSystem.read(path) == Array("{\"a\":2}".utf8))
        #expect(try FileSystem.read(path + ".missing") == nil)
    }
}
