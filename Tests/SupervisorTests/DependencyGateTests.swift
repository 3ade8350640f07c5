import Testing

@testable import Supervisor

@Suite struct DependencyGateTests {
    /// api needs store healthy and migrate completed; balancer needs api started; monitor needs nothing.
    let gate = try! DependencyGate(dependencies: [
        "store": [:],
        "migrate": ["store": .healthy],
        "api": ["store": .healthy, "migrate": .completedSuccessfully],
        "balancer": ["api": .started],
        "monitor": [:],
    ])

    @Test("services start in waves, each after the ones it depends on, and stop in the reverse order")
    func orders() {
        #expect(gate.startOrder == [["monitor", "store"], ["migrate"], ["api"], ["balancer"]])
        #expect(gate.shutdownOrder == [["balancer"], ["api"], ["migrate"], ["monitor", "store"]])
    }

    @Test("started is met by a running instance; healthy waits for the health check")
    func startedVersusHealthy() {
        var readiness: [String: [DependencyGate.Readiness]] = [
            "store": [.started], "migrate": [.notStarted], "api": [.started],
        ]
        #expect(
            gate.servicesReadyToStart(among: ["store", "migrate", "balancer"], readiness: readiness) == [
                "balancer", "store",
            ])
        #expect(!gate.mayStart("migrate", readiness: readiness), "store runs but is not healthy yet")
        readiness["store"] = [.healthy]
        #expect(gate.mayStart("migrate", readiness: readiness))
        #expect(!gate.mayStart("api", readiness: readiness), "migrate has not completed")
        readiness["migrate"] = [.completedSuccessfully]
        #expect(gate.mayStart("api", readiness: readiness))
    }

    @Test("a dependency is met only when every one of its instances meets it")
    func everyInstance() {
        #expect(!gate.mayStart("balancer", readiness: ["api": [.started, .notStarted, .healthy]]))
        #expect(gate.mayStart("balancer", readiness: ["api": [.started, .healthy, .started]]))
        #expect(!gate.mayStart("migrate", readiness: ["store": [.healthy, .started]]))
    }

    @Test("a dependency scaled to zero holds nothing up; one left out of the readiness does")
    func noInstances() {
        #expect(gate.mayStart("balancer", readiness: ["api": []]))
        #expect(!gate.mayStart("balancer", readiness: [:]))
    }

    @Test("a service stops only when nothing running depends on it")
    func stopping() {
        let running: Set<String> = ["store", "migrate", "api", "balancer"]
        #expect(gate.mayStop("balancer", running: running))
        #expect(!gate.mayStop("api", running: running))
        #expect(!gate.mayStop("store", running: running))
        #expect(gate.mayStop("store", running: ["store", "balancer", "monitor"]))
    }

    @Test("a cycle is an error, not an endless loop")
    func cycle() {
        do {
            _ = try DependencyGate(dependencies: [
                "a": ["b": .started], "b": ["c": .started], "c": ["a": .healthy], "d": [:],
            ])
            Issue.record("a cycle was accepted")
        } catch {
            #expect(error.code == .dependencyCycle)
            #expect(error.message == "unable to order services: dependency cycle among a, b, c")
        }
    }

    @Test("a dependent of a cycle is reported with it")
    func dependentOfCycle() {
        #expect(throws: SupervisorError.self) {
            try DependencyGate(dependencies: ["a": ["a": .started], "b": ["a": .started]])
        }
    }

    @Test("a dependency on a service that does not exist is an error")
    func unknown() {
        do {
            _ = try DependencyGate(dependencies: ["api": ["db": .started]])
            Issue.record("an unknown dependency was accepted")
        } catch {
            #expect(error.code == .unknownDependency)
            #expect(error.message == "unable to order services: api depends on db, which is not a service")
        }
    }
}
