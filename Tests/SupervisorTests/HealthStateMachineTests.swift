import Core
import Testing

@testable import Supervisor

@Suite struct HealthStateMachineTests {
    /// Probes every second, unhealthy after 3 failures, failures forgiven for the first 5 seconds.
    let policy = HealthCheckPolicy(
        interval: .seconds(1 as Int64), timeout: .milliseconds(500), retries: 3, startPeriod: .seconds(5 as Int64))

    /// Runs one probe due at `due` with `result`, returning the actions of the result.
    func probe(
        _ machine: inout HealthStateMachine, at due: Instant, _ result: HealthStateMachine.Event
    ) -> [HealthAction] {
        #expect(machine.event(.timerFired, now: due) == [.runProbe(timeout: machine.policy.timeout)])
        return machine.event(result, now: due)
    }

    @Test("a started process is probed after one interval and starts as starting")
    func firstProbe() {
        var machine = HealthStateMachine(policy: policy)
        #expect(machine.status == nil)
        #expect(machine.event(.processStarted, now: .at(0)) == [.scheduleProbe(at: .at(1_000))])
        #expect(machine.status == .starting)
        #expect(machine.event(.timerFired, now: .at(999)) == [], "an early timer is ignored")
        #expect(machine.event(.probeSucceeded, now: .at(999)) == [], "a result without a probe is ignored")
        #expect(
            probe(&machine, at: .at(1_000), .probeSucceeded) == [
                .statusChanged(.healthy), .scheduleProbe(at: .at(2_000)),
            ])
        #expect(machine.status == .healthy)
        #expect(probe(&machine, at: .at(2_000), .probeSucceeded) == [.scheduleProbe(at: .at(3_000))], "reported once")
    }

    @Test("failures in the start period do not count")
    func startPeriod() {
        var machine = HealthStateMachine(policy: policy)
        _ = machine.event(.processStarted, now: .at(0))
        for second in 1...4 {
            let now = Instant.at(Int64(second) * 1_000)
            #expect(
                probe(&machine, at: now, .probeFailed(reason: "refused")) == [
                    .scheduleProbe(at: now + .seconds(1 as Int64))
                ])
        }
        #expect(machine.status == .starting)
        // From 5 s on, failures count: the third one makes it unhealthy.
        _ = probe(&machine, at: .at(5_000), .probeTimedOut)
        _ = probe(&machine, at: .at(6_000), .probeFailed(reason: "refused"))
        #expect(machine.status == .starting)
        #expect(
            probe(&machine, at: .at(7_000), .probeFailed(reason: "refused"))
                == [.statusChanged(.unhealthy), .scheduleProbe(at: .at(8_000))])
        #expect(probe(&machine, at: .at(8_000), .probeTimedOut) == [.scheduleProbe(at: .at(9_000))], "reported once")
    }

    @Test("a success ends the start period early")
    func successEndsStartPeriod() {
        var machine = HealthStateMachine(policy: policy)
        _ = machine.event(.processStarted, now: .at(0))
        _ = probe(&machine, at: .at(1_000), .probeSucceeded)
        _ = probe(&machine, at: .at(2_000), .probeFailed(reason: "500"))
        _ = probe(&machine, at: .at(3_000), .probeFailed(reason: "500"))
        #expect(
            probe(&machine, at: .at(4_000), .probeFailed(reason: "500"))
                == [.statusChanged(.unhealthy), .scheduleProbe(at: .at(5_000))])
    }

    @Test("failures must be consecutive, and one success recovers an unhealthy instance")
    func recovery() {
        var machine = HealthStateMachine(policy: HealthCheckPolicy(interval: .seconds(1 as Int64), retries: 2))
        _ = machine.event(.processStarted, now: .at(0))
        _ = probe(&machine, at: .at(1_000), .probeFailed(reason: "x"))
        _ = probe(&machine, at: .at(2_000), .probeSucceeded)
        #expect(probe(&machine, at: .at(3_000), .probeFailed(reason: "x")) == [.scheduleProbe(at: .at(4_000))])
        #expect(
            probe(&machine, at: .at(4_000), .probeFailed(reason: "x"))
                == [.statusChanged(.unhealthy), .scheduleProbe(at: .at(5_000))])
        #expect(
            probe(&machine, at: .at(5_000), .probeSucceeded) == [
                .statusChanged(.healthy), .scheduleProbe(at: .at(6_000)),
            ])
    }

    @Test("a liveness check asks for a restart when it turns unhealthy")
    func liveness() {
        var machine = HealthStateMachine(
            policy: HealthCheckPolicy(interval: .seconds(1 as Int64), retries: 1, restartsWhenUnhealthy: true))
        _ = machine.event(.processStarted, now: .at(0))
        #expect(
            probe(&machine, at: .at(1_000), .probeTimedOut)
                == [.statusChanged(.unhealthy), .restartInstance, .scheduleProbe(at: .at(2_000))])
        #expect(machine.event(.processExited, now: .at(1_500)) == [.cancelProbe])
        #expect(machine.status == nil)
        #expect(machine.event(.timerFired, now: .at(2_000)) == [])
        // The restarted process is judged afresh.
        #expect(machine.event(.processStarted, now: .at(1_600)) == [.scheduleProbe(at: .at(2_600))])
        #expect(machine.status == .starting)
    }

    @Test("the start interval applies only during the start period")
    func startInterval() {
        var machine = HealthStateMachine(
            policy: HealthCheckPolicy(
                interval: .seconds(30 as Int64), startPeriod: .seconds(2 as Int64), startInterval: .milliseconds(500)))
        #expect(machine.event(.processStarted, now: .at(0)) == [.scheduleProbe(at: .at(500))])
        #expect(probe(&machine, at: .at(500), .probeFailed(reason: "x")) == [.scheduleProbe(at: .at(1_000))])
        #expect(
            probe(&machine, at: .at(1_000), .probeSucceeded) == [
                .statusChanged(.healthy), .scheduleProbe(at: .at(31_000)),
            ])
    }
}
