import Testing

@testable import Supervisor

@Suite struct InstanceReadinessTests {
    @Test("an instance is started while it runs, healthy with a passing check, completed after exit code 0")
    func readiness() {
        var machine = InstanceStateMachine(policy: InstancePolicy(restart: .no))
        #expect(machine.readiness(health: nil) == .notStarted)
        machine = runningInstance(InstancePolicy(restart: .no))
        #expect(machine.readiness(health: nil) == .started)
        #expect(machine.readiness(health: .starting) == .started)
        #expect(machine.readiness(health: .healthy) == .healthy)
        _ = machine.event(.exited(.code(0)), now: .at(1))
        #expect(machine.readiness(health: nil) == .completedSuccessfully)

        var failing = runningInstance(InstancePolicy(restart: .no))
        _ = failing.event(.exited(.code(1)), now: .at(1))
        #expect(failing.readiness(health: nil) == .notStarted)
    }
}
