import Foundation
import Testing

/// `stack` as its users see it: start order, `ps`, restart policies, back-off, health and stops, each
/// test on its own subnet (`127.<octet>.0.0/24`, octets 40-50 here) with `stackprobe` as the service.
@Suite struct StackLifecycleTests {
    @Test("up -d --wait starts a healthy-gated dependent only after its dependency's health check passed")
    func dependencyOrder() throws {
        let project = try StackProject(
            "order", octet: 41,
            services: """
                "db": {"command": ["stackprobe"], "port": 7000, "restart": "always",
                       "healthcheck": {"http": "/health", "interval": "100ms", "timeout": "1s"}},
                "api": {"command": ["stackprobe"], "port": 7001, "replicas": 2, "depends_on": {"db": "healthy"}}
                """)
        defer { project.tearDown() }
        try project.up()
        let events = try project.events()
        let dbHealthy = try #require(events.of("db-1", "healthy").first)
        let dbStarted = try #require(events.of("db-1", "started").first)
        #expect(dbStarted.date <= dbHealthy.date)
        for name in ["api-1", "api-2"] {
            let started = try #require(events.of(name, "started").first, "\(name) never started: \(events)")
            #expect(started.date >= dbHealthy.date, "\(name) started before db-1 was healthy: \(events)")
            let startedIndex = events.firstIndex { $0.instance == name && $0.type == "started" }!
            let healthyIndex = events.firstIndex { $0.instance == "db-1" && $0.type == "healthy" }!
            #expect(healthyIndex < startedIndex)
        }
    }

    @Test("ps --json lists every field, and each instance answers on its own address")
    func psFieldsAndAddresses() throws {
        let project = try StackProject(
            "psfields", octet: 42,
            services: """
                "db": {"command": ["stackprobe"], "port": 7000, "healthcheck": {"http": "/health", "interval": "100ms"}},
                "api": {"command": ["stackprobe"], "port": 7001, "replicas": 2}
                """)
        defer { project.tearDown() }
        try project.up()
        let instances = try project.waitUntil("db-1 healthy") { $0.first { $0.name == "db-1" }?.health == "healthy" }
        #expect(instances.map(\.name) == ["db-1", "api-1", "api-2"])
        #expect(instances.map(\.service) == ["db", "api", "api"])
        #expect(instances.map(\.health) == ["healthy", nil, nil])
        #expect(Set(instances.map(\.address)).count == 3)
        for instance in instances {
            #expect(instance.state == "running")
            #expect(instance.pid != nil)
            #expect(instance.restarts == 0)
            #expect(instance.exitCode == nil)
            #expect(instance.port == (instance.service == "db" ? 7000 : 7001))
            let host = try #require(Int(instance.address.split(separator: ".").last!))
            #expect(instance.address.hasPrefix("127.42.0.") && (2...254).contains(host))
            let started = try #require(instance.startedAt)
            #expect(started.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil)
            let health = try runTool(
                "curl", ["-sS", "--max-time", "5", "http://\(instance.address):\(instance.port)/health"])
            #expect(health.stdout == "ok\n", "\(instance.name): \(health.stderr)")
        }
        // The raw JSON spells `null` for a missing health, pid or exit code rather than leaving the key out.
        let raw = try project.stack(["ps", "--json"]).stdout
        #expect(raw.contains(#""health":null"#) && raw.contains(#""exit_code":null"#))
        // Two instances of one service share the port, on different addresses: nothing listens on the
        // port at an address that is not theirs.
        let elsewhere = try runTool("curl", ["-sS", "--max-time", "2", "http://127.42.0.250:7001/health"])
        #expect(elsewhere.status != 0)
        let top = try project.expectSuccess(["top"])
        #expect(top.stdout.hasPrefix("NAME"))
        for name in ["db-1", "api-1", "api-2"] { #expect(top.stdout.contains(name)) }
    }

    @Test("restart always: a killed instance comes back with a new pid, restarts 1 and exit code 137")
    func alwaysAfterKill() throws {
        let project = try StackProject(
            "always", octet: 43,
            services: """
                "web": {"command": ["stackprobe"], "port": 7000, "restart": "always"},
                "quitter": {"command": ["stackprobe", "--exit-after", "300", "--code", "0"], "port": 7001,
                            "restart": "always"},
                "once": {"command": ["stackprobe", "--exit-after", "100", "--code", "0"], "port": 7002,
                         "restart": "no"}
                """)
        defer { project.tearDown() }
        try project.stack(["up", "-d"])
        let before = try project.waitFor("web-1", "running") { $0.state == "running" }
        let oldPID = try #require(before.pid)
        let killed = try project.expectSuccess(["kill", "web-1"])
        #expect(killed.stdout.contains("web-1  Killed"))
        let after = try project.waitFor("web-1", "running again") { $0.state == "running" && $0.pid != oldPID }
        #expect(after.restarts == 1)
        #expect(after.exitCode == 137)
        #expect(isGone(oldPID))
        let events = try project.events()
        #expect(events.of("web-1", "exited").last?.signal == "SIGKILL")

        // Exit 0 under `always` restarts too.
        let quitter = try project.waitFor("quitter-1", "restarted twice", timeout: 15) { $0.restarts >= 2 }
        #expect(quitter.exitCode == 0)
        // Meanwhile (at least 600 ms), `no` left its instance exited.
        let once = try project.instance("once-1")
        #expect(once.state == "exited")
        #expect(once.exitCode == 0 && once.restarts == 0 && once.pid == nil)
        #expect(try project.events().of("once-1", "restarting").isEmpty)
    }

    @Test("restart on-failure:2 gives up after 2 restarts: state failed, exit code 3")
    func onFailureGivesUp() throws {
        let project = try StackProject(
            "onfailure", octet: 44,
            services: """
                "flaky": {"command": ["stackprobe", "--exit", "3"], "port": 7000, "restart": "on-failure:2"},
                "steady": {"command": ["stackprobe"], "port": 7001}
                """)
        defer { project.tearDown() }
        try project.stack(["up", "-d"])
        let flaky = try project.waitFor("flaky-1", "failed") { $0.state == "failed" }
        #expect(flaky.restarts == 2)
        #expect(flaky.exitCode == 3)
        #expect(flaky.pid == nil)
        let events = try project.events()
        #expect(events.of("flaky-1", "exited").count == 3)
        #expect(events.of("flaky-1", "gave_up").map(\.restarts) == [2])
        // The log says why.
        let logs = try project.expectSuccess(["logs", "flaky-1"])
        #expect(logs.stdout.contains("flaky-1 | stackprobe: exiting at start"))
        #expect(logs.stdout.contains("flaky-1 | gave up after 2 restarts"))
        // `up --wait` reports the failure.
        let up = try project.stack(["up", "-d", "--wait", "--timeout", "10"])
        #expect(up.status == 1)
        #expect(up.stdout.contains("flaky-1  Failed"))
    }

    @Test("restart unless-stopped: a manual stop holds across stack down and up; always starts again")
    func unlessStoppedSurvivesSupervisorRestart() throws {
        let project = try StackProject(
            "unless", octet: 45,
            services: """
                "keep": {"command": ["stackprobe"], "port": 7000, "restart": "unless-stopped"},
                "eager": {"command": ["stackprobe"], "port": 7001, "restart": "always"}
                """)
        defer { project.tearDown() }
        try project.up()
        // A crash is restarted, as under `always`.
        let first = try #require(try project.instance("keep-1").pid)
        try project.expectSuccess(["kill", "keep-1"])
        try project.waitFor("keep-1", "restarted") { $0.state == "running" && $0.pid != first }

        try project.expectSuccess(["stop", "keep", "eager-1"])
        try project.waitUntil("both stopped") { instances in instances.allSatisfy { $0.state == "stopped" } }
        #expect(project.userStopped() == ["eager-1", "keep-1"])

        let down = try project.expectSuccess(["down"])
        #expect(down.stdout.contains("keep-1  Stopped"))
        try project.up()
        let instances = try project.ps()
        let keep = try #require(instances.first { $0.name == "keep-1" })
        let eager = try #require(instances.first { $0.name == "eager-1" })
        #expect(keep.state == "stopped" && keep.pid == nil, "\(instances)")
        #expect(eager.state == "running", "\(instances)")
        #expect(try project.events().of("keep-1", "started").isEmpty)

        // An explicit start clears the manual stop.
        try project.expectSuccess(["start", "keep-1"])
        try project.waitFor("keep-1", "running") { $0.state == "running" }
        #expect(!project.userStopped().contains("keep-1"))
    }

    @Test("instances that exit at once are seen to exit, not left running with a dead pid")
    func instantExits() throws {
        // /bin/true can exit before the supervisor has finished recording the spawn: that exit must
        // still reach the instance (it used to be dropped, leaving it `running` forever).
        let project = try StackProject(
            "instant", octet: 50,
            services: #""flash": {"command": ["/bin/true"], "port": 7000, "replicas": 40, "restart": "no"}"#)
        defer { project.tearDown() }
        try project.stack(["up", "-d"])
        let instances = try project.waitUntil("every instance exited") { instances in
            instances.count == 40 && instances.allSatisfy { $0.state == "exited" }
        }
        #expect(instances.allSatisfy { $0.exitCode == 0 && $0.pid == nil })
    }

    @Test("a crash-looping instance backs off 0, 100, 200, 400 ms between restarts")
    func crashLoopBackoff() throws {
        let project = try StackProject(
            "backoff", octet: 46,
            services: #""loop": {"command": ["stackprobe", "--exit", "1"], "port": 7000, "restart": "always"}"#)
        defer { project.tearDown() }
        // Without --wait, `up -d` returns once the instance has started, crash loop or not.
        let up = try project.stack(["up", "-d"], timeout: 10)
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        let events = try project.waitForEvents("4 restarts", timeout: 15) { $0.of("loop-1", "restarting").count >= 4 }
        let restarting = events.of("loop-1", "restarting")
        #expect(restarting.prefix(4).map(\.delayMS) == [0, 100, 200, 400])
        #expect(restarting.prefix(4).map(\.restarts) == [1, 2, 3, 4])
        // Each start waits at least its delay after the announcement (timestamps have 1 ms resolution).
        let starts = events.of("loop-1", "started")
        for (index, announcement) in restarting.prefix(3).enumerated() where index + 1 < starts.count {
            let waited = starts[index + 1].date.timeIntervalSince(announcement.date) * 1000
            #expect(waited >= Double(announcement.delayMS ?? 0) - 2, "restart \(index + 1) waited \(waited) ms")
        }
    }

    @Test("a failing health check makes the instance unhealthy and holds its healthy-gated dependent")
    func healthGating() throws {
        let project = try StackProject(
            "gating", octet: 47,
            services: """
                "db": {"command": ["stackprobe", "--fail-health"], "port": 7000,
                       "healthcheck": {"http": "/health", "interval": "100ms", "retries": 2}},
                "api": {"command": ["stackprobe"], "port": 7001, "depends_on": {"db": "healthy"}}
                """)
        defer { project.tearDown() }
        let up = try project.stack(["up", "-d", "--wait", "--timeout", "1.5"])
        #expect(up.status == 1, "\(up.stdout)\(up.stderr)")
        #expect(up.stderr.contains("timed out"))
        let db = try project.waitFor("db-1", "unhealthy") { $0.health == "unhealthy" }
        #expect(db.state == "running")
        #expect(try project.instance("api-1").state == "waiting")
        #expect(try project.events().of("db-1", "unhealthy").count == 1)

        // Once db passes, api starts.
        let pass = try runTool("curl", ["-sS", "-X", "POST", "http://\(db.address):7000/health/pass"])
        #expect(pass.stdout == "health now passing\n")
        try project.waitFor("api-1", "running") { $0.state == "running" }
        #expect(try project.instance("db-1").health == "healthy")
    }

    @Test("a liveness check restarts an instance that stays unhealthy")
    func livenessRestart() throws {
        let project = try StackProject(
            "liveness", octet: 48,
            services: """
                "web": {"command": ["stackprobe", "--fail-health"], "port": 7000, "restart": "always",
                        "stop_grace_period": "1s",
                        "healthcheck": {"http": "/health", "interval": "100ms", "retries": 2, "liveness": true}}
                """)
        defer { project.tearDown() }
        try project.stack(["up", "-d"])
        let first = try #require(try project.waitFor("web-1", "running") { $0.pid != nil }.pid)
        let web = try project.waitFor("web-1", "restarted by liveness") { $0.restarts >= 1 && $0.pid != nil }
        #expect(web.pid != first)
        let events = try project.events()
        let unhealthy = try #require(events.of("web-1", "unhealthy").first)
        let restarting = try #require(events.of("web-1", "restarting").first)
        #expect(unhealthy.date <= restarting.date)
        // Stopped gracefully with its stop signal, not killed.
        #expect(events.of("web-1", "exited").first?.signal == "SIGTERM")
    }

    @Test("stop sends SIGTERM, then SIGKILL after stop_grace_period to a process that ignores it")
    func stopGraceThenKill() throws {
        let project = try StackProject(
            "grace", octet: 49,
            services: """
                "stubborn": {"command": ["stackprobe", "--ignore-sigterm"], "port": 7000, "restart": "always",
                             "stop_grace_period": "1s"},
                "polite": {"command": ["stackprobe"], "port": 7001, "restart": "always"}
                """)
        defer { project.tearDown() }
        try project.up()
        let stubborn = try #require(try project.instance("stubborn-1").pid)
        let polite = try #require(try project.instance("polite-1").pid)
        let asked = Date()
        let stop = try project.expectSuccess(["stop", "stubborn", "polite"])
        #expect(stop.stdout.contains("stubborn-1  Stopping"))
        try project.waitFor("polite-1", "stopped") { $0.state == "stopped" }
        #expect(isGone(polite))
        #expect(try project.instance("polite-1").exitCode == 143)
        let stopped = try project.waitFor("stubborn-1", "stopped", timeout: 10) { $0.state == "stopped" }
        #expect(Date().timeIntervalSince(asked) >= 0.9)
        #expect(isGone(stubborn))
        #expect(stopped.exitCode == 137)
        let events = try project.events()
        #expect(events.of("stubborn-1", "stop_timed_out").count == 1)
        #expect(events.of("stubborn-1", "exited").last?.signal == "SIGKILL")
        #expect(events.of("stubborn-1", "restarting").isEmpty)
    }

    @Test("stack down -t 1 overrides the stop grace period")
    func downTimeoutOverridesGrace() throws {
        let project = try StackProject(
            "downtimeout", octet: 40,
            services: """
                "stubborn": {"command": ["stackprobe", "--ignore-sigterm"], "port": 7000, "stop_grace_period": "3s"}
                """)
        defer { project.tearDown() }
        try project.up()
        let asked = Date()
        try project.expectSuccess(["down", "-t", "1"])
        let took = Date().timeIntervalSince(asked)
        #expect(took >= 0.9)
        // The service's own grace period is 3 s: finishing well before it shows -t was applied.
        #expect(took < 2.5, "stack down -t 1 took \(took) s")
    }
}
