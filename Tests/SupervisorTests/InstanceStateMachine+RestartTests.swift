import Core
import Testing

@testable import Supervisor

/// One row of the restart table: a policy, the way the process ends, and what the machine must do.
struct RestartCase: Sendable, CustomTestStringConvertible {
    enum Ending: Sendable {
        case code0, code1, signal9, manualStop, kill
    }

    var policy: InstancePolicy.RestartMode
    var ending: Ending
    var expected: [InstanceAction]
    var finalState: InstanceStateMachine.State

    var testDescription: String { "\(policy) after \(ending)" }

    static let restartsAtOnce: [InstanceAction] = [.emit(.restarting(restartCount: 1, delay: .zero)), .spawn]
    static let respawning = InstanceStateMachine.State.spawning(requestedAt: .at(1_000), pendingStop: nil)

    /// A run of one second that ends as `ending`, starting from `running(pid: 100)`.
    static func row(_ policy: InstancePolicy.RestartMode, _ ending: Ending, restarts: Bool) -> RestartCase {
        let status: TerminationStatus
        var prefix: [InstanceAction] = []
        switch ending {
        case .code0: status = .code(0)
        case .code1: status = .code(1)
        case .signal9: status = .signal(.kill)
        case .kill:
            status = .signal(.kill)
            prefix = [.emit(.killed(.kill)), .sendSignalToGroup(pgid: 100, .kill)]
        case .manualStop:
            // A manual stop never restarts, under any policy.
            return RestartCase(
                policy: policy, ending: ending,
                expected: [
                    .persistUserStopped(true), .sendSignalToGroup(pgid: 100, .terminate),
                    .scheduleTimer(at: .at(11_000)), .cancelTimer, .emit(.exited(.signal(.terminate))),
                    .emit(.stopped),
                ],
                finalState: .stoppedByUser)
        }
        let expected = prefix + [.emit(.exited(status))] + (restarts ? restartsAtOnce : [])
        return RestartCase(
            policy: policy, ending: ending, expected: expected, finalState: restarts ? respawning : .exited(status))
    }

    static let all: [RestartCase] = [
        row(.no, .code0, restarts: false),
        row(.no, .code1, restarts: false),
        row(.no, .signal9, restarts: false),
        row(.no, .manualStop, restarts: false),
        row(.no, .kill, restarts: false),
        row(.always, .code0, restarts: true),
        row(.always, .code1, restarts: true),
        row(.always, .signal9, restarts: true),
        row(.always, .manualStop, restarts: false),
        row(.always, .kill, restarts: true),
        row(.unlessStopped, .code0, restarts: true),
        row(.unlessStopped, .code1, restarts: true),
        row(.unlessStopped, .signal9, restarts: true),
        row(.unlessStopped, .manualStop, restarts: false),
        row(.unlessStopped, .kill, restarts: true),
        row(.onFailure(maximumRetries: nil), .code0, restarts: false),
        row(.onFailure(maximumRetries: nil), .code1, restarts: true),
        row(.onFailure(maximumRetries: nil), .signal9, restarts: true),
        row(.onFailure(maximumRetries: nil), .manualStop, restarts: false),
        row(.onFailure(maximumRetries: nil), .kill, restarts: true),
        row(.onFailure(maximumRetries: 3), .code0, restarts: false),
        row(.onFailure(maximumRetries: 3), .code1, restarts: true),
        row(.onFailure(maximumRetries: 3), .signal9, restarts: true),
        row(.onFailure(maximumRetries: 3), .manualStop, restarts: false),
        row(.onFailure(maximumRetries: 3), .kill, restarts: true),
    ]
}

@Suite struct InstanceStateMachineRestartTests {
    @Test("every restart policy against every way a process ends", arguments: RestartCase.all)
    func restartTable(_ row: RestartCase) {
        var machine = runningInstance(InstancePolicy(restart: row.policy))
        var actions: [InstanceAction] = []
        let now = Instant.at(1_000)
        switch row.ending {
        case .code0: actions += machine.event(.exited(.code(0)), now: now)
        case .code1: actions += machine.event(.exited(.code(1)), now: now)
        case .signal9: actions += machine.event(.exited(.signal(.kill)), now: now)
        case .kill:
            actions += machine.event(.kill(.kill), now: now)
            #expect(machine.state == .running(pid: 100, since: .at(0)), "a kill leaves the decision to the exit")
            actions += machine.event(.exited(.signal(.kill)), now: now)
        case .manualStop:
            actions += machine.event(.stop(requestedByUser: true), now: now)
            actions += machine.event(.exited(.signal(.terminate)), now: now)
        }
        #expect(actions == row.expected)
        #expect(machine.state == row.finalState)
        #expect(machine.isUserStopped == (row.ending == .manualStop))
    }

    @Test("unless-stopped: a manual stop is persisted and holds when the supervisor starts again")
    func unlessStoppedAcrossRestart() {
        var machine = runningInstance(InstancePolicy(restart: .unlessStopped))
        let stop = machine.event(.stop(requestedByUser: true), now: .at(1))
        #expect(stop.first == .persistUserStopped(true))

        var rebooted = InstanceStateMachine(policy: InstancePolicy(restart: .unlessStopped), userStopped: true)
        #expect(rebooted.event(.start(.supervisorBoot), now: .at(0)) == [])
        #expect(rebooted.state == .stoppedByUser)
        // Only an explicit start brings it back, and clears the flag.
        #expect(rebooted.event(.start(.user), now: .at(1)) == [.persistUserStopped(false), .awaitDependencies])
        #expect(!rebooted.isUserStopped)
    }

    @Test("always: an instance stopped by hand starts again when the supervisor starts")
    func alwaysAfterSupervisorRestart() {
        var machine = InstanceStateMachine(policy: InstancePolicy(restart: .always), userStopped: true)
        #expect(
            machine.event(.start(.supervisorBoot), now: .at(0)) == [.persistUserStopped(false), .awaitDependencies])
        #expect(machine.state == .waitingForDependencies)
    }

    @Test("unless-stopped without a manual stop starts when the supervisor starts")
    func unlessStoppedBootWithoutFlag() {
        var machine = InstanceStateMachine(policy: InstancePolicy(restart: .unlessStopped))
        #expect(machine.event(.start(.supervisorBoot), now: .at(0)) == [.awaitDependencies])
    }

    @Test("a supervisor boot does not revive an instance that is already down")
    func bootOnlyFromCreated() {
        var machine = runningInstance(InstancePolicy(restart: .no))
        _ = machine.event(.exited(.code(0)), now: .at(1))
        #expect(machine.event(.start(.supervisorBoot), now: .at(2)) == [])
        #expect(machine.state == .exited(.code(0)))
    }

    @Test("a liveness restart stops with the grace period and counts the exit as a failure")
    func livenessRestart() {
        let policy = InstancePolicy(restart: .onFailure(maximumRetries: nil), stopGracePeriod: .seconds(2 as Int64))
        var machine = runningInstance(policy)
        #expect(machine.event(.healthChanged(.unhealthy), now: .at(500)) == [.emit(.unhealthy)])
        #expect(
            machine.event(.livenessRestart, now: .at(500))
                == [.sendSignalToGroup(pgid: 100, .terminate), .scheduleTimer(at: .at(2_500))])
        // A clean exit on SIGTERM still restarts under on-failure: the process was unhealthy.
        #expect(
            machine.event(.exited(.code(0)), now: .at(600))
                == [.cancelTimer, .emit(.exited(.code(0))), .emit(.restarting(restartCount: 1, delay: .zero)), .spawn])
    }

    @Test("a liveness restart under restart no leaves the instance down")
    func livenessWithoutRestart() {
        var machine = runningInstance(InstancePolicy(restart: .no))
        _ = machine.event(.livenessRestart, now: .at(1))
        #expect(
            machine.event(.exited(.signal(.terminate)), now: .at(2)) == [
                .cancelTimer, .emit(.exited(.signal(.terminate))),
            ])
        #expect(machine.state == .exited(.signal(.terminate)))
    }

    @Test("health verdicts are reported only while the process runs")
    func healthEvents() {
        var machine = runningInstance(InstancePolicy())
        #expect(machine.event(.healthChanged(.starting), now: .at(1)) == [])
        #expect(machine.event(.healthChanged(.healthy), now: .at(1)) == [.emit(.healthy)])
        _ = machine.event(.exited(.code(0)), now: .at(2))
        #expect(machine.event(.healthChanged(.unhealthy), now: .at(3)) == [])
        #expect(machine.event(.livenessRestart, now: .at(3)) == [])
    }
}
