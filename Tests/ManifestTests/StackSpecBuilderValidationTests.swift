import Testing

@testable import Manifest

/// One fixture per validation problem, each with the exact path and message.
@Suite struct StackSpecBuilderValidationTests {
    @Test(
        "each service-level mistake is reported at its path with what was expected",
        arguments: [
            (#""replicas": "two""#, #"services.api.replicas: expected a non-negative integer, got "two""#),
            (#""replicas": -1"#, "services.api.replicas: expected a non-negative integer, got -1"),
            (#""replica": 2"#, #"services.api.replica: unknown field (did you mean "replicas"?)"#),
            (
                #""restart": "sometimes""#,
                #"services.api.restart: expected no, always, on-failure[:N] or unless-stopped, got "sometimes""#
            ),
            (#""depends_on": {"db": "started"}"#, #"services.api.depends_on.db: unknown service "db""#),
            (
                #""depends_on": {"api": "ready"}"#,
                #"services.api.depends_on.api: expected started or healthy, got "ready""#
            ),
            (
                #""depends_on": "store""#,
                #"services.api.depends_on: expected an object of service: started|healthy, or an array of service names, got "store""#
            ),
            (
                #""publish": ["10.0.0.1:80"]"#,
                "services.api.publish[0]: 10.0.0.1 is not a loopback address; expected one in 127.0.0.0/8"
            ),
            (
                #""publish": ["127.0.0.1"]"#,
                #"services.api.publish[0]: expected a loopback address and port such as "127.0.0.1:8080", got "127.0.0.1""#
            ),
            (
                #""publish": ["127.20.0.9:80"]"#,
                "services.api.publish[0]: 127.20.0.9 is inside the instance subnet 127.20.0.0/24; publish on another loopback address"
            ),
            (
                #""publish": ["127.0.0.1:80", "127.0.0.1:80"]"#,
                "services.api.publish[1]: 127.0.0.1:80 is already published by services.api.publish[0]"
            ),
            (
                #""environment": {"A": null}"#,
                "services.api.environment.A: expected a string, number or boolean, got null"
            ),
            (
                #""environment": {"1A": "x"}"#,
                "services.api.environment.1A: invalid variable name; expected a letter or '_', then letters, digits and '_'"
            ),
            (
                #""environment": {"STACK_PORT": "1"}"#,
                "services.api.environment.STACK_PORT: STACK_ variables are set by the supervisor"
            ),
            (
                #""environment": {"X": "{{api.7.address}}"}"#,
                "services.api.environment.X: {{api.7.address}} refers to instance 7, but api has 1 replicas"
            ),
            (
                #""environment": {"X": "{{db.addresses}}"}"#,
                #"services.api.environment.X: {{db.addresses}} refers to unknown service "db""#
            ),
            (
                #""environment": {"X": "{{api.ports}}"}"#,
                "services.api.environment.X: invalid reference {{api.ports}}; expected {{service.addresses}}, {{service.hosts}}, {{service.port}}, {{service.replicas}} or {{service.N.address|host|name}}"
            ),
            (#""healthcheck": {"interval": "5s"}"#, "services.api.healthcheck: expected one probe: http, tcp or exec"),
            (
                #""healthcheck": {"http": "/h", "tcp": true}"#,
                "services.api.healthcheck: expected one probe, got http and tcp"
            ),
            (
                #""healthcheck": {"http": "health"}"#,
                #"services.api.healthcheck.http: expected a request path starting with /, got "health""#
            ),
            (
                #""healthcheck": {"tcp": true, "interval": "soon"}"#,
                #"services.api.healthcheck.interval: expected a positive duration such as "500ms", "2s" or "1m30s", got "soon""#
            ),
            (
                #""healthcheck": {"tcp": true, "retries": 0}"#,
                "services.api.healthcheck.retries: expected a positive integer, got 0"
            ),
            (
                #""healthcheck": {"exec": []}"#,
                "services.api.healthcheck.exec: expected at least the program name, got an empty command"
            ),
            (
                #""healthcheck": {"tcp": true, "liveness": "yes"}"#,
                #"services.api.healthcheck.liveness: expected true or false, got "yes""#
            ),
            (
                #""stop_signal": "SIGSTOP""#,
                #"services.api.stop_signal: expected one of SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGKILL, SIGUSR1, SIGUSR2, got "SIGSTOP""#
            ),
            (
                #""stop_grace_period": 10"#,
                #"services.api.stop_grace_period: expected a duration such as "500ms", "2s" or "1m30s", got 10"#
            ),
            (#""profiles": ["debug", "debug"]"#, "services.api.profiles[1]: debug is listed twice"),
            (#""profiles": "debug""#, #"services.api.profiles: expected an array of strings, got "debug""#),
        ])
    func serviceProblem(fields: String, expected: String) {
        #expect(Fixtures.problems(Fixtures.api(fields)) == [expected])
    }

    @Test("a missing or empty command and an out-of-range port are reported")
    func commandAndPort() {
        #expect(
            Fixtures.problems(#"{"name": "demo", "services": {"api": {}}}"#) == [
                "services.api.command: missing; expected an array of strings (program and arguments)",
                "services.api.port: missing; expected the port every instance listens on, 1...65535",
            ])
        #expect(
            Fixtures.problems(#"{"name": "demo", "services": {"api": {"command": [], "port": 70000}}}"#) == [
                "services.api.command: expected at least the program name, got an empty array",
                "services.api.port: expected a port number 1...65535, got 70000",
            ])
        #expect(
            Fixtures.problems(#"{"name": "demo", "services": {"api": {"command": "api --fast", "port": 1}}}"#) == [
                #"services.api.command: expected an array of strings (program and arguments), got "api --fast""#
            ])
        #expect(
            Fixtures.problems(#"{"name": "demo", "services": {"api": {"command": ["", 3], "port": 1}}}"#) == [
                "services.api.command[1]: expected a string, got 3"
            ])
    }

    @Test(
        "subnets must be loopback networks without host bits and with room for the services",
        arguments: [
            ("10.0.0.0/24", "network.subnet: 10.0.0.0/24 is not inside 127.0.0.0/8; instances need loopback addresses"),
            ("127.20.0.5/24", "network.subnet: 127.20.0.5/24 has host bits set; did you mean 127.20.0.0/24?"),
            ("127.20.0.0", #"network.subnet: expected a loopback subnet such as "127.20.0.0/24", got "127.20.0.0""#),
            (
                "127.20.0.0/31",
                "network.subnet: 127.20.0.0/31 has no address left for instances; use a prefix of /30 or shorter"
            ),
            ("127.20.0.0/30", "network.subnet: 127.20.0.0/30 has 1 usable address, the services need 7"),
            ("127.20.0.0/29", "network.subnet: 127.20.0.0/29 has 5 usable addresses, the services need 7"),
        ])
    func subnet(subnet: String, expected: String) {
        let manifest = """
            {"name": "demo", "network": {"subnet": "\(subnet)"}, "services": {
              "api": {"command": ["api"], "port": 1, "replicas": 4},
              "store": {"command": ["store"], "port": 2, "replicas": 3}}}
            """
        #expect(Fixtures.problems(manifest) == [expected])
    }

    @Test("dependency cycles are reported once each, from the service earliest in the manifest")
    func cycles() {
        let manifest = """
            {"name": "demo", "services": {
              "web": {"command": ["web"], "port": 1, "depends_on": ["store"]},
              "api": {"command": ["api"], "port": 2, "depends_on": ["store"]},
              "store": {"command": ["store"], "port": 3, "depends_on": {"api": "started"}},
              "solo": {"command": ["solo"], "port": 4, "depends_on": ["solo"]}}}
            """
        #expect(
            Fixtures.problems(manifest) == [
                "services: dependency cycle api -> store -> api", "services: dependency cycle solo -> solo",
            ])
    }

    @Test("a published address may be claimed by one service only")
    func publishConflict() {
        let manifest = """
            {"name": "demo", "services": {
              "balancer": {"command": ["balancer"], "port": 1, "publish": ["127.0.0.1:8080"]},
              "web": {"command": ["web"], "port": 2, "publish": ["127.0.0.1:8080"]}}}
            """
        #expect(
            Fixtures.problems(manifest) == [
                "services.web.publish[0]: 127.0.0.1:8080 is already published by services.balancer.publish[0]"
            ])
    }

    @Test("waiting for a service to be healthy needs that service to have a health check")
    func healthyWithoutCheck() {
        let manifest = """
            {"name": "demo", "services": {
              "api": {"command": ["api"], "port": 1, "depends_on": {"store": "healthy"}},
              "store": {"command": ["store"], "port": 2}}}
            """
        #expect(
            Fixtures.problems(manifest) == [
                "services.api.depends_on.store: store has no healthcheck, so it can never be healthy; use started or add a healthcheck"
            ])
    }

    @Test("top-level mistakes: missing name and services, unknown fields, undefined secrets")
    func topLevel() {
        #expect(
            Fixtures.problems(#"{"servces": {}}"#) == [
                #"servces: unknown field (did you mean "services"?)"#, "name: missing; expected the project name",
                "services: missing; expected an object of services by name",
            ])
        #expect(Fixtures.problems(#"[1]"#) == ["expected a JSON object, got an array"])
        #expect(
            Fixtures.problems(
                #"{"name": "my stack", "secrets": ["PW", "bad name"], "services": {"a.b": {"command": ["x"], "port": 1}}}"#
            )
                == [
                    "name: expected letters, digits, '_' and '-', starting with a letter or digit, got \"my stack\"",
                    "secrets[1]: expected a variable name, got \"bad name\"",
                    "secrets[0]: PW is not defined in .env or the environment",
                    "services.a.b: invalid service name; expected letters, digits, '_' and '-', starting with a letter or digit",
                ])
    }

    @Test("an unset variable is reported at the path of the string that uses it")
    func unsetVariable() {
        #expect(
            Fixtures.problems(Fixtures.api(#""environment": {"URL": "redis://:${STORE_PASSWORD}@store"}"#)) == [
                "services.api.environment.URL: variable STORE_PASSWORD is not set (define it in the env file or use ${STORE_PASSWORD:-default})"
            ])
    }

    @Test("every problem is collected, in document order, under one error")
    func collectsEverything() {
        let manifest = """
            {
              "name": "demo",
              "network": {"subnet": "127.20.0.0/30"},
              "services": {
                "api": {"command": ["api"], "port": 8080, "replicas": "two", "replica": 2, "restart": "sometimes",
                        "depends_on": {"db": "healthy", "store": "started"}},
                "store": {"command": [], "port": 0, "replicas": 3, "depends_on": ["api"]},
                "balancer": {"command": ["balancer"], "port": 80, "publish": ["127.0.0.1:8080"]},
                "web": {"command": ["web"], "port": 81, "publish": ["127.0.0.1:8080"], "environment": {"K": "${NOPE}"}}
              }
            }
            """
        var builder = StackSpecBuilder()
        #expect(throws: ManifestError.self) {
            try builder.addLayer(Array(manifest.utf8), name: "stack.json")
            _ = try builder.build()
        }
        do {
            _ = try builder.build()
        } catch {
            #expect(error.code == .invalid)
            #expect(
                error.description == """
                    unable to validate stack.json: 10 problems
                      services.web.environment.K: variable NOPE is not set (define it in the env file or use ${NOPE:-default})
                      services.api.replica: unknown field (did you mean "replicas"?)
                      services.api.replicas: expected a non-negative integer, got "two"
                      services.api.restart: expected no, always, on-failure[:N] or unless-stopped, got "sometimes"
                      services.api.depends_on.db: unknown service "db"
                      services.store.command: expected at least the program name, got an empty array
                      services.store.port: expected a port number 1...65535, got 0
                      services.web.publish[0]: 127.0.0.1:8080 is already published by services.balancer.publish[0]
                      services: dependency cycle api -> store -> api
                      network.subnet: 127.20.0.0/30 has 1 usable address, the services need 6
                    """)
        }
    }

    @Test("a file that is not JSON cannot be loaded, with the line and column")
    func invalidJSON() {
        var builder = StackSpecBuilder()
        #expect(throws: ManifestError.unreadable("stack.json", "expected ',' or '}' in an object at line 2, column 3"))
        {
            try builder.addLayer(Array("{\"name\": \"x\"\n  \"services\": {}}".utf8), name: "stack.json")
        }
    }
}
