import Core
import Testing

@testable import Supervisor

@Suite struct InstanceStateMachineStoppingTests {
    let policy = InstancePolicy(restart: .always, stopGracePeriod: .seconds(10 as Int64))

    @Test("a stop sends the stop signal to the group, then SIGKILL when the grace period runs out")
    func graceThenKill() {
        var machine = runningInstance(policy)
        #expect(
            machine.event(.stop(requestedByUser: true), now: .at(1_000))
                == [
                    .persistUserStopped(true), .sendSignalToGroup(pgid: 100, .terminate),
                    .scheduleTimer(at: .at(11_000)),
                ])
        #expect(
            machine.state
                == .stopping(
                    pid: 100, runningSince: .at(0), signalSentAt: .at(1_000), deadline: .at(11_000), reason: .user))
        #expect(machine.event(.timerFired, now: .at(5_000)) == [], "a stale timer before the deadline is ignored")
        #expect(
            machine.event(.timerFired, now: .at(11_000)) == [
                .emit(.stopTimedOut), .sendSignalToGroup(pgid: 100, .kill),
            ])
        #expect(machine.state == .killing(pid: 100, runningSince: .at(0), reason: .user))
        #expect(machine.event(.timerFired, now: .at(12_000)) == [])
        #expect(
            machine.event(.exited(.signal(.kill)), now: .at(11_001)) == [
                .emit(.exited(.signal(.kill))), .emit(.stopped),
            ])
        #expect(machine.state == .stoppedByUser)
    }

    @Test("an exit within the grace period cancels the timer and does not restart")
    func exitWhileStopping() {
        var machine = runningInstance(policy)
        _ = machine.event(.stop(requestedByUser: false), now: .at(1_000))
        #expect(
            machine.event(.exited(.code(0)), now: .at(1_050))
                == [.cancelTimer, .emit(.exited(.code(0))), .emit(.stopped)])
        #expect(machine.state == .stopped)
        #expect(!machine.isUserStopped, "a stop by the supervisor is not a manual stop")
        #expect(machine.event(.timerFired, now: .at(11_000)) == [])
    }

    @Test("a stop during back-off cancels the pending restart")
    func stopDuringBackoff() {
        var machine = runningInstance(policy)
        _ = machine.event(.exited(.code(1)), now: .at(100))  // immediate restart
        _ = machine.event(.spawned(pid: 101), now: .at(100))
        _ = machine.event(.exited(.code(1)), now: .at(200))  // restart in 100 ms
        #expect(machine.state == .backingOff(until: .at(300), restartCount: 2))
        #expect(
            machine.event(.stop(requestedByUser: true), now: .at(250))
                == [.persistUserStopped(true), .cancelTimer, .emit(.stopped)])
        #expect(machine.state == .stoppedByUser)
        #expect(machine.event(.timerFired, now: .at(300)) == [])
        #expect(machine.state == .stoppedByUser)
    }

    @Test("a stop while the process is being spawned is carried out once it exists")
    func stopWhileSpawning() {
        var machine = InstanceStateMachine(policy: policy)
        _ = machine.event(.start(.user), now: .at(0))
        _ = machine.event(.dependenciesReady, now: .at(0))
        #expect(machine.event(.stop(requestedByUser: true), now: .at(1)) == [.persistUserStopped(true)])
        #expect(
            machine.event(.spawned(pid: 7), now: .at(2))
                == [.emit(.started(pid: 7)), .sendSignalToGroup(pgid: 7, .terminate), .scheduleTimer(at: .at(10_002))])
        #expect(machine.event(.exited(.signal(.terminate)), now: .at(3)).last == .emit(.stopped))
        #expect(machine.state == .stoppedByUser)
    }

    @Test("a stop while spawning settles without a process when the spawn fails")
    func stopWhileSpawnFails() {
        var machine = InstanceStateMachine(policy: policy)
        _ = machine.event(.start(.user), now: .at(0))
        _ = machine.event(.dependenciesReady, now: .at(0))
        _ = machine.event(.supervisorShutdown, now: .at(1))
        #expect(
            machine.event(.spawnFailed(reason: "EAGAIN"), now: .at(2))
                == [.emit(.spawnFailed(reason: "EAGAIN")), .emit(.stopped)])
        #expect(machine.state == .stopped)
    }

    @Test("a stop while waiting for dependencies cancels the start")
    func stopWhileWaiting() {
        var machine = InstanceStateMachine(policy: policy)
        _ = machine.event(.start(.user), now: .at(0))
        #expect(
            machine.event(.stop(requestedByUser: true), now: .at(1)) == [.persistUserStopped(true), .emit(.stopped)])
        #expect(machine.event(.dependenciesReady, now: .at(2)) == [])
        #expect(machine.state == .stoppedByUser)
    }

    @Test("a stop of an instance that is already down does nothing")
    func stopWhenDown() {
        var machine = runningInstance(InstancePolicy(restart: .no))
        _ = machine.event(.exited(.code(3)), now: .at(1))
        #expect(machine.event(.stop(requestedByUser: true), now: .at(2)) == [])
        #expect(machine.state == .exited(.code(3)))
        #expect(!machine.isUserStopped)
    }

    @Test("a manual stop during a supervisor stop makes it a manual stop")
    func strongerReasonWins() {
        var machine = runningInstance(policy)
        _ = machine.event(.supervisorShutdown, now: .at(1))
        #expect(machine.event(.stop(requestedByUser: true), now: .at(2)) == [.persistUserStopped(true)])
        _ = machine.event(.exited(.code(0)), now: .at(3))
        #expect(machine.state == .stoppedByUser)
    }

    @Test("a kill during a slow stop is sent at once")
    func killWhileStopping() {
        var machine = runningInstance(policy)
        _ = machine.event(.stop(requestedByUser: true), now: .at(1))
        #expect(
            machine.event(.kill(.kill), now: .at(2)) == [.emit(.killed(.kill)), .sendSignalToGroup(pgid: 100, .kill)])
        #expect(machine.event(.exited(.signal(.kill)), now: .at(3)).last == .emit(.stopped))
        #expect(machine.state == .stoppedByUser)
    }

    @Test("a removal stops a running instance and removes it; a stopped one goes at once")
    func removal() {
        var running = runningInstance(policy)
        #expect(
            running.event(.remove, now: .at(1)) == [
                .sendSignalToGroup(pgid: 100, .terminate), .scheduleTimer(at: .at(10_001)),
            ])
        #expect(running.event(.stop(requestedByUser: true), now: .at(2)) == [.persistUserStopped(true)])
        #expect(
            running.event(.exited(.code(0)), now: .at(3)) == [.cancelTimer, .emit(.exited(.code(0))), .emit(.removed)])
        #expect(running.state == .removed)
        #expect(running.event(.start(.user), now: .at(4)) == [])

        var down = runningInstance(InstancePolicy(restart: .no))
        _ = down.event(.exited(.code(0)), now: .at(1))
        #expect(down.event(.remove, now: .at(2)) == [.emit(.removed)])
        #expect(down.event(.remove, now: .at(3)) == [])
    }

    @Test("events that cannot apply to a state change nothing and ask for nothing")
    func ignoredPairs() {
        var created = InstanceStateMachine(policy: policy)
        for event: InstanceStateMachine.Event in [
            .dependenciesReady, .spawned(pid: 1), .spawnFailed(reason: "x"), .exited(.code(0)), .timerFired,
            .stop(requestedByUser: true), .kill(.kill), .healthChanged(.healthy), .livenessRestart,
            .supervisorShutdown,
        ] {
            #expect(created.event(event, now: .at(1)) == [], "\(event) in created")
            #expect(created.state == .created)
        }
        var running = runningInstance(policy)
        for event: InstanceStateMachine.Event in [
            .start(.user), .start(.supervisorBoot), .dependenciesReady, .spawned(pid: 1), .spawnFailed(reason: "x"),
            .timerFired,
        ] {
            #expect(running.event(event, now: .at(1)) == [], "\(event) in running")
            #expect(running.state == .running(pid: 100, since: .at(0)))
        }
    }
}
