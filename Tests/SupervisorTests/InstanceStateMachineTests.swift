import Core
import Testing

@testable import Supervisor

/// A fixed origin for the injected clock.
let origin = Instant(nanoseconds: 1_000_000_000_000)

extension Instant {
    /// `origin` plus `milliseconds`, for readable test times.
    static func at(_ milliseconds: Int64) -> Instant { origin + .milliseconds(milliseconds) }
}

/// A machine driven through start, dependencies and spawn to `running(pid: 100, since: .at(0))`.
func runningInstance(_ policy: InstancePolicy) -> InstanceStateMachine {
    var machine = InstanceStateMachine(policy: policy)
    _ = machine.event(.start(.user), now: .at(0))
    _ = machine.event(.dependenciesReady, now: .at(0))
    _ = machine.event(.spawned(pid: 100), now: .at(0))
    return machine
}

@Suite struct InstanceStateMachineTests {
    @Test("a start waits for dependencies, then spawns, then runs")
    func startSequence() {
        var machine = InstanceStateMachine(policy: InstancePolicy())
        #expect(machine.event(.start(.user), now: .at(0)) == [.awaitDependencies])
        #expect(machine.state == .waitingForDependencies)
        #expect(machine.event(.dependenciesReady, now: .at(5)) == [.spawn])
        #expect(machine.state == .spawning(requestedAt: .at(5), pendingStop: nil))
        #expect(machine.event(.spawned(pid: 42), now: .at(6)) == [.emit(.started(pid: 42))])
        #expect(machine.state == .running(pid: 42, since: .at(6)))
        #expect(machine.pid == 42)
    }

    @Test("exits under always back off 0, 100, 200, 400 ms ... up to the cap")
    func backoffSequence() {
        let backoff = RestartBackoff(maximumDelay: .milliseconds(1_000))
        var machine = runningInstance(InstancePolicy(restart: .always, backoff: backoff))
        var now = Instant.at(0)
        var delays: [TimeAmount] = []
        for _ in 0..<7 {
            now = now + .milliseconds(500)  // each run is short: the streak is never reset
            let actions = machine.event(.exited(.code(1)), now: now)
            guard case .emit(.restarting(_, let delay)) = actions[1] else {
                Issue.record("expected a restart, got \(actions)")
                return
            }
            delays.append(delay)
            if delay > .zero {
                #expect(actions[2] == .scheduleTimer(at: now + delay))
                now = now + delay
                #expect(machine.event(.timerFired, now: now) == [.spawn])
            } else {
                #expect(actions[2] == .spawn)
            }
            _ = machine.event(.spawned(pid: 100), now: now)
        }
        #expect(delays.map(\.milliseconds) == [0, 100, 200, 400, 800, 1_000, 1_000])
        #expect(machine.restartCount == 7)
    }

    @Test("a run of 10 seconds resets the back-off but not the restart count")
    func backoffReset() {
        var machine = runningInstance(InstancePolicy(restart: .always))
        _ = machine.event(.exited(.code(1)), now: .at(100))  // immediate restart
        _ = machine.event(.spawned(pid: 101), now: .at(100))
        #expect(
            machine.event(.exited(.code(1)), now: .at(200))
                == [
                    .emit(.exited(.code(1))), .emit(.restarting(restartCount: 2, delay: .milliseconds(100))),
                    .scheduleTimer(at: .at(300)),
                ])
        #expect(machine.state == .backingOff(until: .at(300), restartCount: 2))
        _ = machine.event(.timerFired, now: .at(300))
        _ = machine.event(.spawned(pid: 102), now: .at(300))
        // Ten seconds of running: the next restart is immediate again.
        #expect(
            machine.event(.exited(.code(1)), now: .at(10_300))
                == [.emit(.exited(.code(1))), .emit(.restarting(restartCount: 3, delay: .zero)), .spawn])
        #expect(machine.restartCount == 3)
    }

    @Test("Docker's back-off preset waits 100 ms before the first restart")
    func dockerBackoff() {
        let delays = (0..<12).map { RestartBackoff.docker.delay(forRestart: $0).milliseconds }
        #expect(delays == [100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 60_000, 60_000])
        #expect(RestartBackoff().delay(forRestart: 1_000) == .seconds(60 as Int64))
    }

    @Test("on-failure:3 gives up after three restarts")
    func onFailureGivesUp() {
        let policy = InstancePolicy(
            restart: .onFailure(maximumRetries: 3), backoff: RestartBackoff(initialDelay: .zero))
        var machine = runningInstance(policy)
        for restart in 1...3 {
            #expect(
                machine.event(.exited(.code(2)), now: .at(Int64(restart)))
                    == [.emit(.exited(.code(2))), .emit(.restarting(restartCount: restart, delay: .zero)), .spawn])
            _ = machine.event(.spawned(pid: 100), now: .at(Int64(restart)))
        }
        #expect(
            machine.event(.exited(.signal(.kill)), now: .at(10))
                == [.emit(.exited(.signal(.kill))), .emit(.gaveUp(restartCount: 3))])
        #expect(machine.state == .failed(.signal(.kill)))
        #expect(machine.restartCount == 3)
        // An explicit start begins a new count.
        #expect(machine.event(.start(.user), now: .at(20)) == [.awaitDependencies])
        #expect(machine.restartCount == 0)
    }

    @Test("on-failure with a limit of zero retries gives up at the first failure")
    func onFailureZero() {
        var machine = runningInstance(InstancePolicy(restart: .onFailure(maximumRetries: 0)))
        #expect(
            machine.event(.exited(.code(1)), now: .at(1))
                == [.emit(.exited(.code(1))), .emit(.gaveUp(restartCount: 0))])
    }

    @Test("a failed spawn counts as exit code 127")
    func spawnFailure() {
        var never = InstanceStateMachine(policy: InstancePolicy(restart: .no))
        _ = never.event(.start(.user), now: .at(0))
        _ = never.event(.dependenciesReady, now: .at(0))
        #expect(never.event(.spawnFailed(reason: "ENOENT"), now: .at(1)) == [.emit(.spawnFailed(reason: "ENOENT"))])
        #expect(never.state == .exited(.code(127)))

        var always = InstanceStateMachine(policy: InstancePolicy(restart: .always))
        _ = always.event(.start(.user), now: .at(0))
        _ = always.event(.dependenciesReady, now: .at(0))
        #expect(
            always.event(.spawnFailed(reason: "ENOENT"), now: .at(1))
                == [.emit(.spawnFailed(reason: "ENOENT")), .emit(.restarting(restartCount: 1, delay: .zero)), .spawn])
    }
}
