// swift-tools-version:6.0
import PackageDescription

// Evergreen: a single-node stack supervisor and the services it runs.
// No package dependencies: Foundation, Glibc, the toolchain's own modules and our C shim only.

// The data-plane modules drop Swift's dynamic exclusivity checks in release builds. Every mutation of a
// class's stored property that other code could reach (the executor's keyspace, a session's state, a
// connection's buffers) otherwise calls swift_beginAccess/endAccess, 13 times per command on the
// store's path (callgrind, redis-benchmark -P 16, instructions per command: HSET 8,302 -> 5,954 and GET
// 3,918 -> 2,326 without them). Why that is sound here: the checks trap on overlapping accesses, a
// programming error that the debug build and the test suite still trap on (the setting is release-only),
// and these modules' state is confined to one loop thread, so there is no concurrent access for them to
// catch. The compile-time checks stay on.
let dataPlaneSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "Evergreen",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "benchserver", targets: ["benchserver"]),
        .executable(name: "store", targets: ["store"]),
        .executable(name: "api", targets: ["api"]),
        .executable(name: "balancer", targets: ["balancer"]),
    ],
    targets: [
        // The only target that sees system headers Glibc's Swift module does not expose.
        // Links the system libcrypt (libcrypt-dev) for password hashing.
        .target(name: "CShims", linkerSettings: [.linkedLibrary("crypt")]),
        // Byte buffers, clocks and structured logging: pure, no syscalls beyond stderr.
        .target(name: "Core", swiftSettings: dataPlaneSettings),
        // Everything that makes a syscall: the epoll event loop, timers, sockets.
        .target(name: "Reactor", dependencies: ["CShims", "Core"], swiftSettings: dataPlaneSettings),
        // HTTP/1.1: the codec (Codec/ imports Core only), server and client over Reactor.
        .target(name: "HTTP", dependencies: ["Core", "Reactor"]),
        // RESP2/RESP3: the codec (Codec/ imports Core only) and a client over Reactor.
        .target(name: "RESP", dependencies: ["Core", "Reactor"], swiftSettings: dataPlaneSettings),
        // Counters, gauges, histograms, Prometheus text exposition, process metrics.
        .target(name: "Metrics", dependencies: ["Core"]),
        // JSON: a strict parser keeping member order, values, and rendering. Pure.
        .target(name: "JSON", dependencies: ["Core"]),
        // stack.json: decoding, layering, interpolation, validation, instance resolution. Pure.
        .target(name: "Manifest", dependencies: ["Core", "JSON"]),
        // The supervisor: lifecycle, health and dependency state machines, and the runtime that drives them.
        .target(
            name: "Supervisor", dependencies: ["Core", "Reactor", "HTTP", "JSON", "Manifest", "Metrics", "CShims"]),
        // `stack`: the CLI (one type per subcommand) and, as `stack supervise`, the supervisor daemon.
        .executableTarget(name: "stack", dependencies: ["Core", "Reactor", "HTTP", "JSON", "Manifest", "Supervisor"]),
        // The supervisor daemon `stack up` starts: no Foundation, so its memory stays small.
        .executableTarget(name: "stackd", dependencies: ["Core", "Reactor", "Supervisor"]),
        // A test program for the supervisor's black-box tests: crashes, hangs, ignores SIGTERM on command.
        .executableTarget(name: "stackprobe", dependencies: ["Core", "Reactor", "HTTP"]),
        // The trivial HTTP and RESP servers bench/core.sh measures against nginx and redis-server.
        .executableTarget(name: "benchserver", dependencies: ["Core", "Reactor", "HTTP", "RESP", "Metrics"]),
        // The data tier: keyspace, command table and families, the single-threaded RESP server.
        .target(
            name: "Store", dependencies: ["Core", "Reactor", "RESP", "HTTP", "Metrics"],
            swiftSettings: dataPlaneSettings),
        // Sentinel: automatic failover of the data tier (`store --sentinel`): the watched masters' state and
        // decisions (pure, clock injected), the links to instances and peers, Sentinel's commands.
        .target(name: "Sentinel", dependencies: ["Core", "Reactor", "RESP", "Store"]),
        // `store`: a redis-server-like executable (config file, --name value overrides, /metrics); with
        // `--sentinel <config>`, a sentinel.
        .executableTarget(
            name: "store", dependencies: ["Core", "Reactor", "RESP", "HTTP", "Metrics", "Store", "Sentinel"]),
        // The shop's REST API: validation, documents and errors (pure), store gateway and routes over HTTP and RESP.
        .target(name: "ShopAPI", dependencies: ["Core", "Reactor", "HTTP", "RESP", "JSON", "Metrics", "CShims"]),
        // `api`: parses its configuration and runs one ShopServer.
        .executableTarget(name: "api", dependencies: ["Core", "Reactor", "ShopAPI"]),
        // The layer-7 load balancer: configuration and policies (Configuration/, Policy/: pure, injected clock)
        // and the proxy over Reactor and the HTTP codec (Proxy/).
        .target(
            name: "Balancer", dependencies: ["Core", "Reactor", "HTTP", "JSON", "Metrics"],
            swiftSettings: dataPlaneSettings),
        // `balancer`: parses its configuration and runs one BalancerServer.
        .executableTarget(name: "balancer", dependencies: ["Core", "Reactor", "Balancer"]),

        // Loopback fixtures shared by the test targets: polling, server and client fixtures, a raw socket client.
        .target(name: "TestSupport", dependencies: ["Core", "Reactor", "HTTP"], path: "Tests/TestSupport"),
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "ReactorTests", dependencies: ["Core", "Reactor"]),
        .testTarget(name: "HTTPTests", dependencies: ["Core", "Reactor", "HTTP", "TestSupport"]),
        .testTarget(name: "RESPTests", dependencies: ["Core", "Reactor", "RESP"]),
        .testTarget(name: "MetricsTests", dependencies: ["Core", "Metrics"]),
        .testTarget(name: "ManifestTests", dependencies: ["Core", "Manifest", "JSON"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "SupervisorTests", dependencies: ["Core", "Supervisor"]),
        .testTarget(name: "StoreTests", dependencies: ["Core", "Reactor", "RESP", "Store"]),
        .testTarget(
            name: "BalancerTests", dependencies: ["Core", "JSON", "Reactor", "HTTP", "Balancer", "TestSupport"]),
        .testTarget(name: "SentinelTests", dependencies: ["Core", "Reactor", "Sentinel"]),
        .testTarget(name: "ShopAPITests", dependencies: ["Core", "JSON", "Reactor", "ShopAPI", "CShims"]),
        // Black-box tests: run the built executables and talk to them with real clients (curl, redis-cli).
        // ShopAPI (with HTTP) for the purchase tests, which run a ShopServer in process with a test-only
        // authenticator in front of the built store.
        .testTarget(name: "IntegrationTests", dependencies: ["Core", "HTTP", "ShopAPI"]),
    ],
    swiftLanguageModes: [.v6]
)
