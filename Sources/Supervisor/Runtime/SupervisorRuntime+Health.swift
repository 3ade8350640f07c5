import Core
import HTTP
import Manifest
import Reactor

extension SupervisorRuntime {
    /// Feeds `event` to the instance's health machine and performs its actions.
    func health(_ instance: InstanceRuntime, _ event: HealthStateMachine.Event) {
        guard var machine = instance.health else { return }
        let actions = machine.event(event, now: Instant.now)
        instance.health = machine
        for action in actions {
            switch action {
            case .scheduleProbe(let deadline):
                instance.healthTimer?.cancel()
                instance.healthTimer = loop.schedule(at: deadline) { [weak self, weak instance] in
                    guard let self, let instance else { return }
                    self.health(instance, .timerFired)
                }
            case .runProbe(let timeout):
                runProbe(instance, timeout: timeout)
            case .cancelProbe:
                instance.probeGeneration += 1
                instance.healthTimer?.cancel()
                instance.healthTimer = nil
            case .statusChanged(let status):
                self.event(instance, .healthChanged(status))
                metrics.health(instance.name, status)
                reevaluateDependencies()
                markDiscoveryDirty()
            case .restartInstance:
                self.event(instance, .livenessRestart)
            }
        }
    }

    /// Runs the instance's probe; exactly one of succeeded / failed / timed out comes back.
    private func runProbe(_ instance: InstanceRuntime, timeout: TimeAmount) {
        guard let check = instance.service.healthCheck else { return }
        instance.probeGeneration += 1
        let generation = instance.probeGeneration
        var finished = false
        let finish: (HealthStateMachine.Event) -> Void = { [weak self, weak instance] result in
            guard let self, let instance, !finished, instance.probeGeneration == generation else { return }
            finished = true
            self.health(instance, result)
        }
        // The machine decides what a timeout means; this timer only reports it.
        let timer = loop.schedule(after: timeout) { finish(.probeTimedOut) }
        let done: (HealthStateMachine.Event) -> Void = { result in
            timer.cancel()
            finish(result)
        }
        let address = SocketAddress.ipv4(address: instance.spec.address.value, port: UInt16(instance.spec.port))
        switch check.probe {
        case .http(let path):
            probeHTTP(address, path: path, timeout: timeout, done)
        case .tcp:
            Connection.connect(to: address, on: loop, timeout: timeout) { result in
                switch result {
                case .success(let connection):
                    connection.close()
                    done(.probeSucceeded)
                case .failure(let error):
                    done(.probeFailed(reason: error.description))
                }
            }
        case .exec(let argv):
            probeExec(instance, argv: argv, done)
        }
    }

    private func probeHTTP(
        _ address: SocketAddress, path: String, timeout: TimeAmount,
        _ done: @escaping (HealthStateMachine.Event) -> Void
    ) {
        let request = HTTPClientRequest(method: .GET, target: path, headers: ["User-Agent": "stack-healthcheck"])
        healthPool.execute(request, to: address) { result in
            switch result {
            case .success(let response) where (200..<400).contains(response.status.code):
                done(.probeSucceeded)
            case .success(let response):
                done(.probeFailed(reason: "HTTP \(response.status.code)"))
            case .failure(let error):
                done(.probeFailed(reason: error.description))
            }
        }
    }

    private func probeExec(
        _ instance: InstanceRuntime, argv: [String], _ done: @escaping (HealthStateMachine.Event) -> Void
    ) {
        guard let program = argv.first, let executable = StackLoader.resolveExecutable(program, configuration) else {
            done(.probeFailed(reason: "executable '\(argv.first ?? "")' not found"))
            return
        }
        var environment = Dictionary(instance.spec.environment.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        environment["PATH"] = configuration.environment["PATH"]
        do {
            let pid = try ProcessSpawner.spawn(
                executable: executable, arguments: Array(argv.dropFirst()), environment: environment,
                workingDirectory: configuration.rootDirectory)
            probeProcesses[pid] = { status in
                done(status.isSuccess ? .probeSucceeded : .probeFailed(reason: "health command \(status)"))
            }
            watchProbe(pid)
            // A health command that outlives its timeout is killed (its group too), so hung probes
            // never pile up; the machine has already counted the timeout by then.
            loop.schedule(after: instance.service.healthCheck?.timeout ?? .seconds(30 as Int64)) { [weak self] in
                guard let self, self.probeProcesses[pid] != nil else { return }
                ProcessSpawner.signalGroup(pid, UnixSignal.kill.rawValue)
            }
        } catch {
            done(.probeFailed(reason: "\(error)"))
        }
    }
}
