@testable import Manifest

/// Inline manifests and helpers shared by the Manifest tests.
enum Fixtures {
    /// The stack the project intends to run by default: balancer x1, api x2, store x3, sentinel x3,
    /// monitor x1, with the three generated secrets.
    static let defaultStack = """
        {
          "name": "evergreen",
          "network": { "subnet": "127.20.0.0/24" },
          "secrets": ["STORE_PASSWORD", "API_ADMIN_TOKEN", "SECRET_KEY"],
          "services": {
            "balancer": {
              "command": ["balancer", "--upstreams", "{{api.addresses}}"],
              "port": 8080,
              "publish": ["127.0.0.1:8080"],
              "restart": "always",
              "depends_on": { "api": "healthy" },
              "healthcheck": { "http": "/health" }
            },
            "api": {
              "command": ["api"],
              "replicas": 2,
              "port": 8081,
              "environment": {
                "STORE_ADDRESSES": "{{store.addresses}}",
                "SENTINEL_ADDRESSES": "{{sentinel.addresses}}",
                "STORE_PASSWORD": "${STORE_PASSWORD}",
                "API_ADMIN_TOKEN": "${API_ADMIN_TOKEN}",
                "SECRET_KEY": "${SECRET_KEY}",
                "LOG_LEVEL": "${LOG_LEVEL:-info}"
              },
              "restart": "on-failure:5",
              "depends_on": { "store": "healthy" },
              "healthcheck": { "http": "/health", "interval": "2s", "liveness": true }
            },
            "store": {
              "command": ["store", "--requirepass", "${STORE_PASSWORD}"],
              "replicas": 3,
              "port": 6379,
              "environment": { "STORE_PRIMARY": "{{store.1.address}}" },
              "restart": "always",
              "healthcheck": { "tcp": true, "interval": "1s", "timeout": "500ms" },
              "stop_grace_period": "30s"
            },
            "sentinel": {
              "command": ["store", "--sentinel", "services/store/sentinel.conf"],
              "replicas": 3,
              "port": 26379,
              "environment": { "STORE_ADDRESSES": "{{store.addresses}}", "QUORUM": 2 },
              "restart": "always",
              "depends_on": ["store"]
            },
            "monitor": {
              "command": ["monitor"],
              "port": 9090,
              "environment": { "TARGETS": "{{balancer.addresses}},{{api.addresses}},{{store.addresses}}" },
              "restart": "unless-stopped",
              "depends_on": { "balancer": "started", "api": "started" },
              "stop_signal": "INT"
            }
          }
        }
        """

    /// The secrets `defaultStack` needs, as a generated env file would hold them.
    static let secrets = [
        "STORE_PASSWORD": "s3cret-store-pw", "API_ADMIN_TOKEN": "tok-0123456789", "SECRET_KEY": "key-abcdefghij",
    ]

    /// `layers` built with `environment`, in order.
    static func build(_ layers: String..., environment: [String: String] = [:]) throws(ManifestError) -> StackSpec {
        var builder = StackSpecBuilder(environment: environment)
        for (offset, layer) in layers.enumerated() { try builder.addLayer(Array(layer.utf8), name: "layer\(offset)") }
        return try builder.build()
    }

    /// The problems `layers` are rejected with, as `path: message` lines; empty if they build.
    static func problems(_ layers: String..., environment: [String: String] = [:]) -> [String] {
        var builder = StackSpecBuilder(environment: environment)
        do {
            for (offset, layer) in layers.enumerated() {
                try builder.addLayer(Array(layer.utf8), name: "layer\(offset)")
            }
            _ = try builder.build()
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    /// A one-service manifest whose `api` service has `fields` (JSON members, without braces) added to
    /// a valid command and port.
    static func api(_ fields: String = "") -> String {
        """
        { "name": "demo", "services": { "api": { "command": ["api"], "port": 8080\(fields.isEmpty ? "" : ", " + fields) } } }
        """
    }
}
