import Core
import Reactor
import Testing

@testable import Balancer

@Suite struct BalancerConfigurationTests {
    private func decode(_ json: String) throws(BalancerConfigurationError) -> BalancerConfiguration {
        try BalancerConfiguration.decode(json: Array(json.utf8))
    }

    /// The problems decoding `json` reports, as their descriptions.
    private func problems(_ json: String) -> [String] {
        do {
            _ = try decode(json)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test("an empty object gives the documented defaults")
    func defaults() throws {
        let configuration = try decode("{}")
        #expect(configuration == BalancerConfiguration())
        #expect(configuration.upstreams == .service("api"))
        #expect(configuration.algorithm == .roundRobin)
        #expect(configuration.healthCheck.path == "/health")
        #expect(configuration.healthCheck.interval == .seconds(1 as Int64))
        #expect(configuration.healthCheck.timeout == .milliseconds(500))
        #expect(configuration.healthCheck.rise == 2 && configuration.healthCheck.fall == 3)
        #expect(configuration.passive.maxFails == 3 && configuration.passive.failTimeout == .seconds(10 as Int64))
        #expect(configuration.retries == 2)
        #expect(configuration.timeouts.clientIdle == .seconds(75 as Int64))
        #expect(configuration.limits.maxBodyBytes == 10_485_760)
        #expect(configuration.rateLimit == nil)
        #expect(configuration.servedByHeader == "X-Served-By")
        #expect(configuration.keepalive.connectionsPerUpstream == 256)
        #expect(configuration.admin == .portOffset(10_000))
        #expect(configuration.adminAddress == SocketAddress("127.0.0.1:18080"))
        #expect(configuration.threads == nil && configuration.loopCount >= 1)
    }

    @Test("every field is read")
    func everyField() throws {
        let configuration = try decode(
            """
            {
              "upstreams": {"static": [
                {"address": "127.0.0.1:8000", "weight": 3, "name": "api-1"},
                {"address": "127.0.0.2:8000"}
              ]},
              "algorithm": "least_connections",
              "health_check": {"path": "/ready", "interval": "2s", "timeout": "1s", "rise": 1, "fall": 5,
                               "enabled": false},
              "passive": {"max_fails": 0, "fail_timeout": "1m"},
              "retries": 0,
              "timeouts": {"connect": "250ms", "upstream_read": "1m30s", "client_header": "5s",
                           "client_body": "20s", "client_idle": "1.5s"},
              "limits": {"max_header_bytes": 8192, "max_body_bytes": 0, "max_connections": 100},
              "rate_limit": {"requests_per_second": 2.5},
              "served_by_header": null,
              "keepalive": {"connections_per_upstream": 0, "idle_timeout": "5s"},
              "admin": {"address": "127.0.0.1:9999"},
              "threads": 4
            }
            """)
        #expect(
            configuration.upstreams
                == .fixed([
                    .init(address: SocketAddress("127.0.0.1:8000")!, weight: 3, name: "api-1"),
                    .init(address: SocketAddress("127.0.0.2:8000")!, weight: 1, name: "127.0.0.2:8000"),
                ]))
        #expect(configuration.algorithm == .leastConnections)
        #expect(!configuration.healthCheck.isEnabled && configuration.healthCheck.path == "/ready")
        #expect(configuration.healthCheck.rise == 1 && configuration.healthCheck.fall == 5)
        #expect(configuration.passive.maxFails == 0 && configuration.passive.failTimeout == .seconds(60 as Int64))
        #expect(configuration.retries == 0)
        #expect(configuration.timeouts.connect == .milliseconds(250))
        #expect(configuration.timeouts.upstreamRead == .seconds(90 as Int64))
        #expect(configuration.timeouts.clientIdle == .milliseconds(1_500))
        #expect(configuration.limits.maxHeaderBytes == 8_192 && configuration.limits.maxBodyBytes == 0)
        #expect(configuration.rateLimit == .init(requestsPerSecond: 2.5, burst: 3))
        #expect(configuration.servedByHeader == nil)
        #expect(configuration.keepalive.connectionsPerUpstream == 0)
        #expect(configuration.adminAddress == SocketAddress("127.0.0.1:9999"))
        #expect(configuration.loopCount == 4)
    }

    @Test("an error names the file, the field path and what was expected")
    func errorDescription() {
        #expect(
            problems(#"{"health_check": {"rise": "x"}}"#)
                == [#"balancer.json: health_check.rise: expected an integer from 1 to 100, got "x""#])
    }

    @Test("every problem is reported, not only the first")
    func collectsProblems() {
        let found = problems(
            #"{"retries": 11, "algorithm": "random", "timeouts": {"connect": "fast"}, "limits": {"max_connections": 0}}"#
        )
        #expect(
            found == [
                "balancer.json: algorithm: expected one of round_robin, least_connections, source_hash, power_of_two, got \"random\"",
                "balancer.json: retries: expected an integer from 0 to 10, got 11",
                "balancer.json: timeouts.connect: expected a positive duration such as \"500ms\", \"2s\" or \"1m\", got \"fast\"",
                "balancer.json: limits.max_connections: expected an integer from 1 to 1000000, got 0",
            ])
    }

    @Test("unknown fields are errors, with a suggestion when one is close")
    func unknownFields() {
        #expect(
            problems(#"{"health_check": {"rize": 2}, "retrys": 1, "zzz": 0}"#) == [
                #"balancer.json: retrys: unknown field (did you mean "retries"?)"#,
                "balancer.json: zzz: unknown field (expected one of upstreams, algorithm, health_check, passive, "
                    + "retries, timeouts, limits, rate_limit, served_by_header, keepalive, admin, threads)",
                #"balancer.json: health_check.rize: unknown field (did you mean "rise"?)"#,
            ])
        #expect(
            problems(#"{"algorithm": "least_connection"}"#) == [
                "balancer.json: algorithm: expected one of round_robin, least_connections, source_hash, power_of_two, "
                    + #"got "least_connection" (did you mean "least_connections"?)"#
            ])
    }

    @Test("static upstreams must be loopback, weighted 1 to 256 and listed once")
    func staticUpstreamProblems() {
        let found = problems(
            """
            {"upstreams": {"static": [
              {"address": "10.0.0.1:80"}, {"address": "127.0.0.1:0"}, {"address": "127.0.0.1:81", "weight": 0},
              {"address": "127.0.0.1:82", "weight": 257}, {"address": "127.0.0.1:83"}, {"address": "127.0.0.1:83"},
              {"weight": 1}, {"address": "127.0.0.1:84", "name": "has space"}
            ]}}
            """)
        #expect(
            found == [
                #"balancer.json: upstreams.static[0].address: expected a loopback address (127.0.0.0/8), got "10.0.0.1:80""#,
                #"balancer.json: upstreams.static[1].address: expected <IPv4 address>:<port other than 0>, got "127.0.0.1:0""#,
                "balancer.json: upstreams.static[2].weight: expected an integer from 1 to 256, got 0",
                "balancer.json: upstreams.static[3].weight: expected an integer from 1 to 256, got 257",
                "balancer.json: upstreams.static[5].address: 127.0.0.1:83 is listed twice",
                #"balancer.json: upstreams.static[6].address: required, such as "127.0.0.1:8000""#,
                #"balancer.json: upstreams.static[7].name: expected a name of 1 to 64 letters, digits, _ - . or :, got "has space""#,
            ])
        #expect(
            problems(#"{"upstreams": {"static": []}}"#) == [
                "balancer.json: upstreams.static: expected a non-empty array of upstreams, got an array"
            ])
        #expect(
            problems(#"{"upstreams": {"service": "api", "static": []}}"#) == [
                #"balancer.json: upstreams: expected either "service" or "static", not both"#
            ])
        #expect(
            problems(#"{"upstreams": {"service": "a.b"}}"#) == [
                #"balancer.json: upstreams.service: expected a service name (letters, digits, _ and -), got "a.b""#
            ])
    }

    @Test("cross-field and section checks")
    func sectionProblems() {
        #expect(
            problems(#"{"health_check": {"interval": "1s", "timeout": "2s"}}"#) == [
                #"balancer.json: health_check.timeout: expected at most health_check.interval (1s), got "2s""#
            ])
        #expect(
            problems(#"{"health_check": {"path": "health"}}"#) == [
                #"balancer.json: health_check.path: expected a path such as "/health" (starting with /, no spaces), got "health""#
            ])
        #expect(
            problems(#"{"rate_limit": {"burst": 5}}"#) == [
                "balancer.json: rate_limit.requests_per_second: required: the sustained requests a second per client"
            ])
        #expect(
            problems(#"{"rate_limit": {"requests_per_second": 0}}"#) == [
                "balancer.json: rate_limit.requests_per_second: expected a number of requests a second, more than 0 "
                    + "and at most 1000000, got 0"
            ])
        #expect(
            problems(#"{"admin": {"port_offset": 1, "address": "127.0.0.1:1"}}"#) == [
                #"balancer.json: admin: expected either "port_offset" or "address", not both"#
            ])
        #expect(
            problems(#"{"served_by_header": "X Served"}"#) == [
                #"balancer.json: served_by_header: expected a header name (letters, digits, -), got "X Served""#
            ])
        #expect(problems(#"{"threads": 0}"#) == ["balancer.json: threads: expected an integer from 1 to 256, got 0"])
        #expect(problems(#"{"passive": {"fail_timeout": "0s"}}"#).count == 1)
        #expect(problems("[]") == ["balancer.json: expected an object, got an array"])
    }

    @Test("a syntax error is a problem too")
    func syntaxError() {
        let found = problems(#"{"retries": }"#)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("balancer.json: expected JSON: ") == true)
    }

    @Test("rate_limit null is off and burst defaults to the rate rounded up")
    func rateLimitForms() throws {
        #expect(try decode(#"{"rate_limit": null}"#).rateLimit == nil)
        #expect(try decode(#"{"rate_limit": {"requests_per_second": 100}}"#).rateLimit?.burst == 100)
        #expect(try decode(#"{"rate_limit": {"requests_per_second": 10, "burst": 50}}"#).rateLimit?.burst == 50)
    }

    @Test(
        "durations",
        arguments: [
            ("500ms", 500_000_000), ("2s", 2_000_000_000), ("1m", 60_000_000_000),
            ("1m30s", 90_000_000_000), ("1.5s", 1_500_000_000), ("250us", 250_000), ("1h", 3_600_000_000_000),
        ])
    func durations(text: String, nanoseconds: Int64) {
        #expect(DurationText.parse(text) == .nanoseconds(nanoseconds))
    }

    @Test("not durations", arguments: ["", "5", "ms", "1.2.3s", "1 s", "-1s", "1d", "s1"])
    func notDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test("the policies come from the configuration")
    func policies() throws {
        let configuration = try decode(
            #"{"retries": 4, "algorithm": "source_hash", "health_check": {"enabled": false}, "rate_limit": {"requests_per_second": 10, "burst": 5}}"#
        )
        #expect(configuration.retryPolicy.retries == 4)
        #expect(configuration.makeSelector(seed: 1).algorithm == .sourceHash)
        #expect(configuration.makeHealth(now: Instant(nanoseconds: 0)).state.status == .up)
        var limiter = try #require(configuration.makeRateLimiter(share: 2))
        let now = Instant(nanoseconds: 1_000_000_000)
        #expect(limiter.admit(client: 1, at: now) == nil)
        #expect(limiter.admit(client: 1, at: now) == nil)
        #expect(limiter.admit(client: 1, at: now) == nil)
        #expect(limiter.admit(client: 1, at: now) == .milliseconds(200))  // 5 a second, burst 3, per loop
        #expect(BalancerConfiguration().makeRateLimiter() == nil)
    }
}
