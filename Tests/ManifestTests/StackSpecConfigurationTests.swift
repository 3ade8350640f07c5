import Testing

@testable import Manifest

@Suite struct StackSpecConfigurationTests {
    @Test("stack config masks secret variables by list and by name, and secret values embedded elsewhere")
    func masking() throws {
        let stack = try Fixtures.build(Fixtures.defaultStack, environment: Fixtures.secrets)
        var allocator = AddressAllocator(subnet: stack.subnet)
        let instances = try stack.resolveInstances(allocator: &allocator, rootDirectory: "/r")
        let text = stack.renderConfiguration(instances: instances)
        for secret in Fixtures.secrets.values { #expect(!text.contains(secret), "\(secret) leaked") }
        #expect(text.contains(#""STORE_PASSWORD": "********""#))
        #expect(text.contains(#""command": ["store", "--requirepass", "********"]"#))
        #expect(text.contains(#""LOG_LEVEL": "info""#))
        #expect(text.hasSuffix("}\n"))
    }

    @Test("the rendering spells out defaults and lists every instance")
    func rendering() throws {
        let stack = try Fixtures.build(
            """
            {"name": "demo", "services": {"web": {"command": ["web"], "port": 80, "replicas": 2,
              "environment": {"GREETING": "hi", "API_KEY": "abc"}, "healthcheck": {"tcp": true}}}}
            """)
        var allocator = AddressAllocator(subnet: stack.subnet)
        let instances = try stack.resolveInstances(allocator: &allocator, rootDirectory: "/r")
        let text = stack.renderConfiguration(instances: Array(instances.prefix(1)))
        #expect(
            text == """
                {
                  "name": "demo",
                  "network": {
                    "subnet": "127.20.0.0/24"
                  },
                  "env_file": ".env",
                  "secrets": [],
                  "services": {
                    "web": {
                      "command": ["web"],
                      "replicas": 2,
                      "port": 80,
                      "restart": "no",
                      "healthcheck": {
                        "tcp": true,
                        "interval": "5s",
                        "timeout": "2s",
                        "retries": 3,
                        "start_period": "0s",
                        "liveness": false
                      },
                      "stop_signal": "SIGTERM",
                      "stop_grace_period": "10s",
                      "environment": {
                        "GREETING": "hi",
                        "API_KEY": "********"
                      },
                      "instances": [
                        {
                          "name": "web-1",
                          "address": "127.20.0.2",
                          "port": 80,
                          "command": ["web"],
                          "environment": {
                            "GREETING": "hi",
                            "API_KEY": "********",
                            "STACK_PROJECT": "demo",
                            "STACK_SERVICE": "web",
                            "STACK_INSTANCE": "1",
                            "STACK_ADDRESS": "127.20.0.2",
                            "STACK_PORT": "80",
                            "STACK_DATA_DIR": "/r/.stack/data/web-1",
                            "STACK_DISCOVERY_FILE": "/r/.stack/run/endpoints.json"
                          }
                        }
                      ]
                    }
                  }
                }

                """)
    }
}
