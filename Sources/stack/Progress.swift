import Foundation
import Manifest

/// Compose-v2-style progress lines while `up` waits: ` Container api-1  Started`, `... Healthy`.
struct Progress {
    /// Polls `ps` until every (selected) instance is started, or healthy when it has a health check
    /// and `healthy` is asked; prints each instance's transitions once. False on timeout or failure.
    func waitUntil(_ control: ControlClient, healthy: Bool, services: [String], timeout: Double) async throws -> Bool {
        var printed: [String: String] = [:]
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let instances = (try await control.get("/v1/ps").arrayValue ?? []).compactMap(\.objectValue)
            var done = true
            var failed = false
            for instance in instances {
                guard let name = instance["name"]?.stringValue, let state = instance["state"]?.stringValue,
                    services.isEmpty || services.contains(instance["service"]?.stringValue ?? "")
                else { continue }
                let health = instance["health"]?.stringValue
                let label: String
                switch (state, health) {
                case ("running", "healthy"): label = "Healthy"
                case ("running", "unhealthy"): label = "Unhealthy"
                case ("running", _): label = "Started"
                case ("waiting", _): label = "Waiting"
                case ("starting", _): label = "Starting"
                case ("restarting", _): label = "Restarting"
                case ("failed", _): label = "Failed"
                case ("exited", _): label = "Exited"
                case ("stopped", _): label = "Stopped"
                default: label = state.capitalized
                }
                if printed[name] != label {
                    printed[name] = label
                    print(" Container \(name)  \(label)")
                }
                switch state {
                case "running": if healthy && health != nil && health != "healthy" { done = false }
                // Backing off after an exit: it has started. Without --wait that is all `up -d` waits
                // for; a crash loop spends nearly all its time here and would hold `up -d` until the
                // timeout.
                case "restarting": if healthy { done = false }
                case "failed": failed = true
                case "stopped", "exited": break
                default: done = false
                }
            }
            if failed { return false }
            if done { return true }
            if Date() > deadline {
                printError("stack: timed out after \(Int(timeout)) s waiting for the services")
                return false
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
