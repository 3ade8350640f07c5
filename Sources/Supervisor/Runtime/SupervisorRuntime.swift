import CShims
import Core
import HTTP
import JSON
import Manifest
import Metrics
import Reactor

#if canImport(Glibc)
    import Glibc
#endif

/// The supervisor's engine: it owns every instance and performs what their state machines decide.
///
/// Everything here runs on one event loop thread (`loop`): child exits (signalfd), timers, pipe
/// output, health probes and control requests (hopped over from the API server's loop) are all
/// serialised there, so no state needs a lock. The state machines decide; this class only acts.
final class SupervisorRuntime {
    let loop: EventLoop
    /// The configuration; `up` against the running stack may change its files and profiles.
    private(set) var configuration: SupervisorConfiguration
    let logger: Logger
    let events = EventLog()
    let logs: LogHub
    let metrics: SupervisorMetrics
    private(set) var spec: StackSpec
    /// Instances in display order (service order, then index).
    private(set) var instances: [InstanceRuntime] = []
    private var byPID: [Int32: InstanceRuntime] = [:]
    /// Replacements waiting for an instance of the same name to finish stopping (it holds the address).
    private var successors: [String: InstanceRuntime] = [:]
    private var replicas: [String: Int] = [:]
    private var allocator: AddressAllocator
    private var gate: DependencyGate
    private var state: PersistentState
    private var watcher: ChildWatcher?
    private let watchdog: OrphanWatchdog
    private var discoveryGeneration = 0
    private var discoveryDirty = false
    /// Set once the supervisor has deleted the discovery file on its way out: no write may recreate it.
    private var discoveryRemoved = false
    /// Set while `down` runs: the waves of services still to stop, and who to tell when done.
    private var shutdown: (waves: [[String]], done: [() -> Void])?
    private var shutdownTimeout: TimeAmount?
    /// Called when a `down` has finished: the daemon exits.
    var onDown: (() -> Void)?
    /// Exec health probes in flight, by pid.
    var probeProcesses: [Int32: (ProcessExitStatus) -> Void] = [:]
    /// Keep-alive connections for HTTP health probes (no retry: a failed probe is a result).
    lazy var healthPool = HTTPConnectionPool(
        loop: loop, configuration: HTTPClientConfiguration(maxIdlePerUpstream: 1, idleTimeout: .seconds(60 as Int64)))

    init(loop: EventLoop, configuration: SupervisorConfiguration, spec: StackSpec, logger: Logger) throws {
        precondition(loop.inEventLoop)
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
        self.spec = spec
        self.logs = LogHub(directory: configuration.logDirectory)
        self.metrics = SupervisorMetrics()
        self.state = PersistentState.load(from: configuration.stateDirectory + "/run/state.json")
        self.allocator = AddressAllocator(subnet: spec.subnet, previous: state.addresses)
        self.gate = try SupervisorRuntime.makeGate(spec, profiles: configuration.profiles)
        self.replicas = state.replicas
        self.watchdog = try OrphanWatchdog()
        self.watcher = try ChildWatcher(loop: loop, reapsOrphans: true) { [unowned self] pid, status in
            self.childExited(pid, status)
        }
    }

    static func makeGate(_ spec: StackSpec, profiles: Set<String>) throws -> DependencyGate {
        var dependencies: [String: [String: DependencyGate.Condition]] = [:]
        for service in spec.services(activeProfiles: profiles) {
            var conditions: [String: DependencyGate.Condition] = [:]
            for dependency in service.dependencies { conditions[dependency.service] = .init(dependency.condition) }
            dependencies[service.name] = conditions
        }
        return try DependencyGate(dependencies: dependencies)
    }

    // MARK: - Desired state

    /// Brings the running instances in line with `spec` (and the scale overrides): starts new ones,
    /// removes ones no longer wanted, replaces ones whose service definition changed. Returns the
    /// names started, stopped, restarted and left alone.
    /// `stack up` against the running stack: new manifest files and profiles, then `apply`.
    func reconfigure(files: [String]?, profiles: Set<String>?, only services: Set<String>?) throws -> ApplyResult {
        var next = configuration
        if let files, !files.isEmpty { next.files = files }
        if let profiles { next.profiles = profiles }
        let (spec, _) = try StackLoader.load(next, generateSecrets: false)
        configuration = next
        // As with compose, `up` brings services back to the manifest's replica counts.
        replicas = [:]
        state.replicas = [:]
        return try apply(spec, only: services)
    }

    @discardableResult
    func apply(_ newSpec: StackSpec, only services: Set<String>? = nil) throws -> ApplyResult {
        var result = ApplyResult()
        let oldServices = Dictionary(uniqueKeysWithValues: spec.services.map { ($0.name, $0) })
        spec = newSpec
        gate = try SupervisorRuntime.makeGate(newSpec, profiles: configuration.profiles)
        let enabled = newSpec.services(activeProfiles: configuration.profiles)
        var desiredReplicas: [String: Int] = [:]
        for service in enabled { desiredReplicas[service.name] = replicas[service.name] ?? service.replicas }
        // Every service not enabled runs 0 instances.
        for service in newSpec.services where desiredReplicas[service.name] == nil { desiredReplicas[service.name] = 0 }
        let resolved = try newSpec.resolveInstances(
            replicas: desiredReplicas, allocator: &allocator, rootDirectory: configuration.rootDirectory)
        let wanted = Dictionary(uniqueKeysWithValues: resolved.map { ($0.name, $0) })
        // Remove what is no longer wanted, and what changed (it is recreated below).
        for instance in instances where !instance.isBeingRemoved {
            guard let target = wanted[instance.name] else {
                remove(instance)
                result.stopped.append(instance.name)
                continue
            }
            let definition = newSpec[service: instance.service.name]
            if target != instance.spec || !Self.sameDefinition(oldServices[instance.service.name], definition) {
                remove(instance)
                result.restarted.append(instance.name)
            } else {
                result.unchanged.append(instance.name)
            }
        }
        let existing = Set(instances.filter { !$0.isBeingRemoved }.map(\.name))
        let leaving = Set(instances.filter(\.isBeingRemoved).map(\.name))
        for spec in resolved where !existing.contains(spec.name) {
            if let services, !services.contains(spec.service) { continue }
            guard let service = newSpec[service: spec.service] else { continue }
            let runtime = InstanceRuntime(
                spec: spec, service: service, userStopped: state.userStopped.contains(spec.name))
            if !result.restarted.contains(spec.name) { result.started.append(spec.name) }
            if leaving.contains(spec.name) {
                // Its predecessor still holds the address and port: start once it is gone.
                successors[spec.name] = runtime
            } else {
                insert(runtime)
                event(runtime, .start(.supervisorBoot))
            }
        }
        state.addresses = allocator.assignments
        saveState()
        reevaluateDependencies()
        markDiscoveryDirty()
        return result
    }

    /// Whether two definitions of a service run the same processes: the replica count is not part of
    /// it (scaling must not restart the instances that stay).
    static func sameDefinition(_ a: ServiceSpec?, _ b: ServiceSpec?) -> Bool {
        guard var a, var b else { return a == nil && b == nil }
        a.replicas = 0
        b.replicas = 0
        return a == b
    }

    /// Sets the replica count of services and applies it (`stack scale api=4`).
    func scale(_ counts: [String: Int]) throws -> ApplyResult {
        for (service, count) in counts {
            guard spec[service: service] != nil else {
                throw SupervisorError(.badRequest, "unable to scale \(service): no such service")
            }
            guard count >= 0 else { throw SupervisorError(.badRequest, "unable to scale \(service): negative count") }
            replicas[service] = count
        }
        state.replicas = replicas
        let result = try apply(spec)
        for (service, count) in counts {
            events.record("scaled", instance: service, service: service, [("replicas", .integer(count))])
        }
        return result
    }

    private func insert(_ runtime: InstanceRuntime) {
        let order = Dictionary(uniqueKeysWithValues: spec.services.enumerated().map { ($1.name, $0) })
        let key = { (r: InstanceRuntime) in (order[r.service.name] ?? Int.max, r.spec.index) }
        let position = instances.firstIndex { key($0) > key(runtime) } ?? instances.endIndex
        instances.insert(runtime, at: position)
    }

    private func remove(_ instance: InstanceRuntime) {
        instance.isBeingRemoved = true
        event(instance, .remove)
        forgetIfRemoved(instance)
    }

    private func forgetIfRemoved(_ instance: InstanceRuntime) {
        guard instance.isBeingRemoved, !instance.isAlive, instance.isSettled || instance.machine.state == .removed
        else {
            return
        }
        instance.timer?.cancel()
        instance.healthTimer?.cancel()
        instances.removeAll { $0 === instance }
        if let successor = successors.removeValue(forKey: instance.name), shutdown == nil {
            insert(successor)
            event(successor, .start(.supervisorBoot))
            reevaluateDependencies()
        }
        markDiscoveryDirty()
    }

    // MARK: - Lookup

    /// The instances named (instance names, or service names for all their instances).
    func resolve(_ names: [String]) throws -> [InstanceRuntime] {
        var result: [InstanceRuntime] = []
        for name in names {
            let matches = instances.filter { !$0.isBeingRemoved && ($0.name == name || $0.service.name == name) }
            guard !matches.isEmpty else {
                throw SupervisorError(.badRequest, "unable to find \(name): no such instance or service")
            }
            for match in matches where !result.contains(where: { $0 === match }) { result.append(match) }
        }
        return result
    }

    // MARK: - User commands

    func start(_ targets: [InstanceRuntime]) {
        for instance in targets { event(instance, .start(.user)) }
        reevaluateDependencies()
    }

    func stop(_ targets: [InstanceRuntime], timeout: TimeAmount? = nil) {
        for instance in targets {
            event(instance, .stop(requestedByUser: true))
            enforce(timeout, on: instance)
        }
    }

    /// `stop -t` / `down -t`: a grace period shorter than the service's own. The machine still owns
    /// the stop; this only sends SIGKILL early if the process outlives `timeout`.
    private func enforce(_ timeout: TimeAmount?, on instance: InstanceRuntime) {
        guard let timeout, instance.isAlive else { return }
        loop.schedule(after: timeout) { [weak self, weak instance] in
            guard let self, let instance, instance.isAlive else { return }
            self.event(instance, .kill(.kill))
        }
    }

    func restart(_ targets: [InstanceRuntime]) {
        for instance in targets {
            if instance.isAlive {
                instance.pendingRestart = true
                event(instance, .stop(requestedByUser: false))
            } else {
                event(instance, .start(.user))
            }
        }
        reevaluateDependencies()
    }

    func kill(_ targets: [InstanceRuntime], signal: Int32) {
        for instance in targets { event(instance, .kill(UnixSignal(rawValue: signal))) }
    }

    /// Stops every instance in reverse dependency order (SIGKILL after `timeout` when given), then
    /// calls `done`.
    func down(timeout: TimeAmount? = nil, _ done: @escaping () -> Void) {
        if shutdown != nil {
            shutdown?.done.append(done)
            return
        }
        shutdownTimeout = timeout
        shutdown = (gate.shutdownOrder, [done])
        continueShutdown()
    }

    private func continueShutdown() {
        guard var plan = shutdown else { return }
        while let wave = plan.waves.first {
            let members = instances.filter { wave.contains($0.service.name) }
            if members.contains(where: { !$0.isSettled }) {
                for member in members where !member.isSettled {
                    event(member, .supervisorShutdown)
                    enforce(shutdownTimeout, on: member)
                }
                // Re-check after the events: instances that were only waiting settle at once.
                if members.contains(where: { !$0.isSettled }) {
                    shutdown = plan
                    return
                }
            }
            plan.waves.removeFirst()
        }
        // Services outside the dependency graph (profiles) and stragglers.
        let rest = instances.filter { !$0.isSettled }
        if !rest.isEmpty {
            for member in rest { event(member, .supervisorShutdown) }
            if instances.contains(where: { !$0.isSettled }) {
                shutdown = plan
                return
            }
        }
        shutdown = nil
        // Like compose, a new `up` starts from the manifest's replica counts; addresses and manual
        // stops are remembered.
        state.replicas = [:]
        saveState()
        watchdog.dismiss()
        writeDiscovery()
        for done in plan.done { done() }
    }

    // MARK: - Events into the machines

    /// Feeds `event` to the instance's lifecycle machine and performs its actions.
    func event(_ instance: InstanceRuntime, _ event: InstanceStateMachine.Event) {
        let actions = instance.machine.event(event, now: Instant.now)
        perform(actions, for: instance)
    }

    private func perform(_ actions: [InstanceAction], for instance: InstanceRuntime) {
        for action in actions {
            switch action {
            case .awaitDependencies:
                break  // reevaluateDependencies() releases it when its dependencies are ready
            case .spawn:
                spawn(instance)
            case .sendSignal(let pid, let signal):
                ProcessSpawner.signalProcess(pid, signal.rawValue)
            case .sendSignalToGroup(let pgid, let signal):
                ProcessSpawner.signalGroup(pgid, signal.rawValue)
            case .scheduleTimer(let deadline):
                instance.timer?.cancel()
                instance.timer = loop.schedule(at: deadline) { [weak self, weak instance] in
                    guard let self, let instance else { return }
                    self.event(instance, .timerFired)
                }
            case .cancelTimer:
                instance.timer?.cancel()
                instance.timer = nil
            case .emit(let lifecycle):
                record(lifecycle, for: instance)
            case .persistUserStopped(let stopped):
                if stopped { state.userStopped.insert(instance.name) } else { state.userStopped.remove(instance.name) }
                saveState()
            }
        }
        markDiscoveryDirty()
    }

    private func spawn(_ instance: InstanceRuntime) {
        let spec = instance.spec
        guard let program = spec.command.first,
            let executable = StackLoader.resolveExecutable(program, configuration)
        else {
            let reason = "executable '\(spec.command.first ?? "")' not found"
            logs.note(instance.name, "unable to start: \(reason)")
            event(instance, .spawnFailed(reason: reason))
            return
        }
        try? FileSystem.createDirectory(spec.dataDirectory)
        var environment: [String: String] = [:]
        // A small, predictable base environment, then the manifest's: the instance sees what the
        // manifest says, not whatever the CLI's shell happened to have.
        for name in ["PATH", "HOME", "LANG", "TZ", "TERM"] {
            if let value = configuration.environment[name] { environment[name] = value }
        }
        for (name, value) in spec.environment { environment[name] = value }
        do {
            let (reader, writeFD) = try PipeReader.makePipe(on: loop)
            defer { close(writeFD) }
            let pid = try ProcessSpawner.spawn(
                executable: executable, arguments: Array(spec.command.dropFirst()), environment: environment,
                stdout: writeFD, stderr: writeFD, workingDirectory: configuration.rootDirectory)
            let name = instance.name
            reader.onRead = { [weak self] buffer in self?.logs.append(name, &buffer) }
            reader.onEOF = { [weak self] in self?.logs.close(name) }
            instance.output?.close()
            instance.output = reader
            byPID[pid] = instance
            watchdog.guardGroup(pid)
            instance.startedAtWall = wallClockSeconds()
            instance.cpuSample = nil
            event(instance, .spawned(pid: pid))
            if instance.health != nil { health(instance, .processStarted) }
            // Last: `watch` reaps at once a child that has already exited, and that exit must reach a
            // machine that knows the process runs (in `spawning` it would be dropped as stale).
            watcher?.watch(pid)
        } catch {
            logs.note(instance.name, "unable to start: \(error)")
            event(instance, .spawnFailed(reason: "\(error)"))
        }
    }

    /// Reaps an exec health probe's process through the same watcher as instances.
    func watchProbe(_ pid: Int32) {
        watcher?.watch(pid)
    }

    private func childExited(_ pid: Int32, _ status: ProcessExitStatus) {
        if let probe = probeProcesses.removeValue(forKey: pid) {
            probe(status)
            return
        }
        guard let instance = byPID.removeValue(forKey: pid) else { return }
        watchdog.releaseGroup(pid)
        instance.lastExit = status
        if instance.health != nil { health(instance, .processExited) }
        event(instance, .exited(TerminationStatus(status)))
        if instance.pendingRestart && instance.isSettled {
            instance.pendingRestart = false
            event(instance, .start(.user))
        }
        forgetIfRemoved(instance)
        reevaluateDependencies()
        continueShutdown()
    }

    private func record(_ lifecycle: LifecycleEvent, for instance: InstanceRuntime) {
        let name = instance.name
        let service = instance.service.name
        switch lifecycle {
        case .started(let pid):
            events.record("started", instance: name, service: service, [("pid", .integer(Int(pid)))])
        case .spawnFailed(let reason):
            events.record("spawn_failed", instance: name, service: service, [("reason", .string(reason))])
        case .exited(let status):
            var fields: [(String, JSONValue)] = [("exit_code", .integer(Int(status.dockerExitCode)))]
            if case .signal(let signal) = status { fields.append(("signal", .string(signal.description))) }
            events.record("exited", instance: name, service: service, fields)
            logs.note(name, "exited: \(status)")
            metrics.lastExitCode(name, Int(status.dockerExitCode))
        case .restarting(let count, let delay):
            instance.restarts += 1
            metrics.restarted(name, service: service)
            events.record(
                "restarting", instance: name, service: service,
                [("restarts", .integer(count)), ("delay_ms", .integer(Int(delay.nanoseconds / 1_000_000)))])
        case .gaveUp(let count):
            events.record("gave_up", instance: name, service: service, [("restarts", .integer(count))])
            logs.note(name, "gave up after \(count) restarts")
        case .killed(let signal):
            events.record("killed", instance: name, service: service, [("signal", .string(signal.description))])
        case .stopTimedOut:
            events.record("stop_timed_out", instance: name, service: service)
        case .stopped:
            events.record("stopped", instance: name, service: service)
        case .healthy:
            events.record("healthy", instance: name, service: service)
        case .unhealthy:
            events.record("unhealthy", instance: name, service: service)
        case .removed:
            events.record("removed", instance: name, service: service)
        }
    }

    // MARK: - Dependencies

    /// Releases instances whose dependencies are now ready.
    func reevaluateDependencies() {
        guard shutdown == nil else { return }
        var readiness: [String: [DependencyGate.Readiness]] = [:]
        for instance in instances where !instance.isBeingRemoved {
            readiness[instance.service.name, default: []].append(
                instance.machine.readiness(health: instance.health?.status))
        }
        for service in spec.services where readiness[service.name] == nil { readiness[service.name] = [] }
        for instance in instances where instance.machine.state == .waitingForDependencies {
            if gate.mayStart(instance.service.name, readiness: readiness) {
                event(instance, .dependenciesReady)
            }
        }
    }

    // MARK: - Persistence and discovery

    private func saveState() {
        state.save(to: configuration.stateDirectory + "/run/state.json")
    }

    func markDiscoveryDirty() {
        guard !discoveryDirty else { return }
        discoveryDirty = true
        // Coalesce a burst of changes into one write, soon (readers want changes within 1 s).
        loop.executeOnLoop { [weak self] in
            guard let self else { return }
            self.discoveryDirty = false
            self.writeDiscovery()
        }
    }

    /// Deletes the discovery file for good (the supervisor is exiting); later changes write nothing.
    func removeDiscovery() {
        discoveryRemoved = true
        unlink(configuration.discoveryPath)
    }

    private func writeDiscovery() {
        guard !discoveryRemoved else { return }
        discoveryGeneration += 1
        let document = Discovery.render(
            project: spec.name, generation: discoveryGeneration, instances: instances,
            supervisorMetrics: "http://\(spec.subnet.supervisorAddress):\(configuration.metricsPort)/metrics")
        do {
            try FileSystem.writeAtomically(Array(document.utf8), to: configuration.discoveryPath)
        } catch {
            logger.error("unable to write the discovery file", ["error": error])
        }
    }
}

/// What `apply` changed.
struct ApplyResult {
    var started: [String] = []
    var stopped: [String] = []
    var restarted: [String] = []
    var unchanged: [String] = []
}
