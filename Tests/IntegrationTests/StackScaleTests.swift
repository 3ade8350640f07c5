import Foundation
import Testing

/// Scale, the discovery file and logs, through the built `stack` (octets 51-54).
@Suite struct StackScaleTests {
    /// The discovery file's instances of `service`, or nil while it is missing or being replaced.
    private func discovered(_ project: StackProject, _ service: String) -> [String]? {
        struct Entry: Decodable { var name: String }
        struct Document: Decodable { var services: [String: [Entry]] }
        guard let text = project.read(".stack/run/endpoints.json"),
            let document = try? JSONDecoder().decode(Document.self, from: Data(text.utf8))
        else { return nil }
        return document.services[service]?.map(\.name) ?? []
    }

    @Test("scale up gives new instances new addresses; scale down removes the highest; api-1 keeps its address")
    func scaleUpAndDown() throws {
        let project = try StackProject(
            "scale", octet: 51, services: #""api": {"command": ["stackprobe"], "port": 7000, "restart": "always"}"#)
        defer { project.tearDown() }
        try project.up()
        let first = try project.instance("api-1")
        #expect(discovered(project, "api") == ["api-1"])

        let up = try project.expectSuccess(["scale", "api=3"])
        #expect(up.stdout.contains("api-2  Started") && up.stdout.contains("api-3  Started"))
        let scaledAt = Date()
        try poll("the discovery file to list 3 api instances", timeout: 1) {
            discovered(project, "api") == ["api-1", "api-2", "api-3"]
        }
        #expect(Date().timeIntervalSince(scaledAt) <= 1)
        let three = try project.waitUntil("3 running") { $0.count == 3 && $0.allSatisfy { $0.state == "running" } }
        #expect(Set(three.map(\.address)).count == 3)
        #expect(three[0].address == first.address && three[0].pid == first.pid)
        for instance in three {
            let health = try runTool("curl", ["-sS", "--max-time", "5", "http://\(instance.address):7000/health"])
            #expect(health.stdout == "ok\n", "\(instance.name) at \(instance.address): \(health.stderr)")
        }

        let down = try project.expectSuccess(["scale", "api=1"])
        #expect(down.stdout.contains("api-2  Stopping") && down.stdout.contains("api-3  Stopping"))
        let removedAt = Date()
        try poll("the discovery file to list 1 api instance", timeout: 1) { discovered(project, "api") == ["api-1"] }
        #expect(Date().timeIntervalSince(removedAt) <= 1)
        let one = try project.waitUntil("api-2 and api-3 gone") { $0.map(\.name) == ["api-1"] }
        #expect(one[0].address == first.address && one[0].pid == first.pid && one[0].state == "running")
        for instance in three.dropFirst() { #expect(isGone(instance.pid!)) }
        let events = try project.events()
        #expect(events.of("api-3", "removed").count == 1)
        #expect(events.of("api", "scaled").map(\.replicas) == [3, 1])

        // The address table remembers: api-2 comes back on its old address.
        try project.expectSuccess(["scale", "api=2"])
        let again = try project.waitFor("api-2", "running") { $0.state == "running" }
        #expect(again.address == three[1].address)
    }

    @Test("stack down and up return to the manifest's replica count, as compose does")
    func scaleResetsOnDown() throws {
        let project = try StackProject(
            "scalekeep", octet: 52, services: #""api": {"command": ["stackprobe"], "port": 7000}"#)
        defer { project.tearDown() }
        try project.up()
        try project.expectSuccess(["scale", "api=2"])
        try project.waitUntil("2 running") { $0.count == 2 && $0.allSatisfy { $0.state == "running" } }
        try project.expectSuccess(["down"])
        try project.up()
        #expect(try project.ps().map(\.name) == ["api-1"])
    }

    @Test("logs --tail N NAME shows that instance's output; every instance has a log file")
    func logs() throws {
        let project = try StackProject(
            "logs", octet: 53,
            services: """
                "talker": {"command": ["stackprobe", "--say", "hello from talker"], "port": 7000, "replicas": 2},
                "other": {"command": ["stackprobe", "--say", "other words"], "port": 7001}
                """)
        defer { project.tearDown() }
        try project.up()
        try poll("talker-2's greeting in its log") {
            try project.stack(["logs", "talker-2"]).stdout.contains("talker-2 | hello from talker")
        }
        let tail = try project.expectSuccess(["logs", "--tail", "5", "talker-2"])
        let lines = tail.stdout.split(separator: "\n")
        #expect(!lines.isEmpty && lines.count <= 5)
        #expect(lines.allSatisfy { $0.hasPrefix("talker-2 | ") }, "\(tail.stdout)")
        #expect(lines.first == "talker-2 | hello from talker")
        let last = try project.expectSuccess(["logs", "-n", "1", "talker"])
        #expect(last.stdout.split(separator: "\n").map { $0.prefix(11) } == ["talker-1 | ", "talker-2 | "])
        let all = try project.expectSuccess(["logs"])
        #expect(all.stdout.contains("other-1 | other words") && all.stdout.contains("talker-1 | hello from talker"))
        for name in ["talker-1", "talker-2", "other-1"] {
            #expect(
                project.read(".stack/logs/\(name).log")?.contains(name.hasPrefix("talker") ? "hello" : "other") == true)
        }
        let unknown = try project.stack(["logs", "nobody"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("nobody"))
    }

    @Test("stack events --json prints the history as JSON lines and follows until interrupted")
    func eventsCommand() throws {
        let project = try StackProject(
            "events", octet: 54, services: #""web": {"command": ["stackprobe"], "port": 7000, "restart": "always"}"#)
        defer { project.tearDown() }
        try project.up()
        let output = project.directory + "/events.out"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let events = Process()
        events.executableURL = URL(fileURLWithPath: StackProject.stackPath)
        events.arguments = ["--project-directory", project.directory, "events", "--json"]
        events.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        events.standardError = FileHandle.nullDevice
        try events.run()
        defer { if events.isRunning { kill(events.processIdentifier, SIGKILL) } }
        try poll("the history") { project.read("events.out")?.contains(#""type":"started""#) == true }
        // A new event arrives through the follow stream.
        try project.expectSuccess(["kill", "web-1"])
        try poll("the kill to be followed") { project.read("events.out")?.contains(#""type":"restarting""#) == true }
        let lines = try Event.decodeLines(project.read("events.out") ?? "")
        #expect(lines.map(\.type).starts(with: ["started"]))
        #expect(lines.contains { $0.type == "exited" && $0.exitCode == 137 })
        events.interrupt()
        try poll("stack events to exit on SIGINT", timeout: 5) { !events.isRunning }
        #expect(events.terminationStatus == 0)
    }
}
