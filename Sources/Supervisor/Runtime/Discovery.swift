import Core
import JSON
import Manifest

/// The discovery file's content (`.stack/run/endpoints.json`, see docs/control-api.md).
enum Discovery {
    static func render(
        project: String, generation: Int, instances: [InstanceRuntime], supervisorMetrics: String
    )
        -> String
    {
        var services = JSONObject()
        for instance in instances where !instance.isBeingRemoved {
            var list = services[instance.service.name]?.arrayValue ?? []
            var entry = JSONObject([
                ("name", .string(instance.name)), ("address", .string(instance.spec.address.description)),
                ("port", .integer(instance.spec.port)), ("state", .string(instance.stateName)),
                ("metrics", .string("http://\(instance.spec.endpoint)/metrics")),
            ])
            entry["health"] = instance.healthName.map { .string($0) } ?? .null
            list.append(.object(entry))
            services[instance.service.name] = .array(list)
        }
        let document = JSONObject([
            ("project", .string(project)), ("generation", .integer(generation)),
            ("updated_at", .string(Logger.formatTimestamp(wallClockSeconds()))), ("services", .object(services)),
            ("supervisor", .object(JSONObject([("metrics", .string(supervisorMetrics))]))),
        ])
        return JSONValue.object(document).prettyPrinted() + "\n"
    }
}
