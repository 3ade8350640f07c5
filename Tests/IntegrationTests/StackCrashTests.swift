import Foundation
import Testing

/// What happens when things die: the supervisor itself, and instances killed from outside (octets 56-58).
@Suite struct StackCrashTests {
    /// The grandchildren `stackprobe --fork-grandchild` announced in `name`'s log.
    private func grandchildren(_ project: StackProject, _ service: String) throws -> [Int32] {
        let logs = try project.expectSuccess(["logs", service]).stdout
        return logs.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "stackprobe: grandchild ") else { return nil }
            return Int32(line[range.upperBound...])
        }
    }

    @Test("kill -9 of the supervisor leaves no instance or grandchild behind, and the next up starts cleanly")
    func noOrphans() throws {
        let project = try StackProject(
            "orphans", octet: 56,
            services: """
                "parent": {"command": ["stackprobe", "--fork-grandchild"], "port": 7000, "replicas": 2,
                           "restart": "always"},
                "plain": {"command": ["stackprobe"], "port": 7001, "restart": "always"}
                """)
        defer { project.tearDown() }
        try project.up()
        let instances = try project.ps()
        let pids = instances.compactMap(\.pid)
        #expect(pids.count == 3)
        var forked: [Int32] = []
        try poll("both grandchildren announced") {
            forked = try grandchildren(project, "parent")
            return forked.count == 2
        }
        for pid in pids + forked { #expect(!isGone(pid)) }
        let supervisor = try project.supervisorPID()

        kill(supervisor, SIGKILL)
        try poll("every instance and grandchild to die", timeout: 2) { (pids + forked).allSatisfy(isGone) }
        try poll("the supervisor to die", timeout: 2) { isGone(supervisor) }
        // Its socket file is left behind; `up` must see that nobody answers and start afresh.
        #expect(FileManager.default.fileExists(atPath: project.socketPath))
        let status = try project.stack(["ps"])
        #expect(status.status == 1)
        #expect(status.stderr.contains("is the stack up?"))

        try project.up()
        let again = try project.ps()
        #expect(again.count == 3 && again.allSatisfy { $0.state == "running" })
        #expect(Set(again.compactMap(\.pid)).isDisjoint(with: pids))
        #expect(try project.supervisorPID() != supervisor)
        // Addresses come from the persisted table.
        #expect(again.map(\.address) == instances.map(\.address))
    }

    @Test("SIGTERM to the supervisor stops every instance gracefully and removes the discovery file")
    func sigtermBringsTheStackDown() throws {
        let project = try StackProject(
            "sigterm", octet: 57,
            services: """
                "web": {"command": ["stackprobe"], "port": 7000, "replicas": 2, "restart": "always"}
                """)
        defer { project.tearDown() }
        try project.up()
        let pids = try project.ps().compactMap(\.pid)
        let supervisor = try project.supervisorPID()
        #expect(project.read(".stack/run/endpoints.json") != nil)

        kill(supervisor, SIGTERM)
        try poll("the supervisor to exit", timeout: 10) { isGone(supervisor) }
        #expect(pids.allSatisfy(isGone))
        let log = project.read(".stack/logs/supervisor.log") ?? ""
        #expect(log.contains("signal received, bringing the stack down"), "\(log)")
        #expect(log.contains("supervisor stopped"), "\(log)")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: project.directory + "/.stack/run")) ?? []
        #expect(!leftovers.contains { $0.hasPrefix("endpoints.json") }, "\(leftovers)")
    }

    @Test("a killed instance is respawned at once: the exit is seen within milliseconds, not by a sweep")
    func respawnIsImmediate() throws {
        let project = try StackProject(
            "respawn", octet: 58, services: #""web": {"command": ["stackprobe"], "port": 7000, "restart": "always"}"#)
        defer { project.tearDown() }
        try project.up()
        for round in 1...5 {
            let old = try #require(try project.instance("web-1").pid)
            try project.expectSuccess(["kill", "web-1"])
            try project.waitFor("web-1", "respawned (round \(round))") { $0.pid != nil && $0.pid != old }
        }
        let events = try project.events()
        let killed = events.of("web-1", "killed")
        let exited = events.of("web-1", "exited")
        #expect(killed.count == 5 && exited.count == 5)
        // The supervisor reaps through a signalfd for SIGCHLD; a 500 ms sweep only backs it up. When the
        // signal went astray, kill-to-exit gaps spread over 0-500 ms; the median stays far below that.
        let gaps = zip(killed, exited).map { $1.date.timeIntervalSince($0.date) * 1000 }.sorted()
        #expect(gaps[2] < 150, "kill-to-exit gaps in ms: \(gaps)")
        // The first restart of a streak is immediate: started within the same turn as the exit.
        let firstExit = try #require(exited.first)
        let firstRestart = try #require(events.of("web-1", "started").dropFirst().first)
        #expect(firstRestart.date.timeIntervalSince(firstExit.date) < 0.15)
    }
}
