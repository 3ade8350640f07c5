// How far an instance has come, in the terms `DependencyGate` asks about.
extension InstanceStateMachine {
    /// This instance's readiness for its dependents; `health` is its `HealthStateMachine.status` (`nil`
    /// without a health check or without a process).
    ///
    /// A process that is being stopped no longer counts as started: nothing new should start against it.
    public func readiness(health: HealthStatus?) -> DependencyGate.Readiness {
        switch state {
        case .running:
            return health == .healthy ? .healthy : .started
        case .exited(.code(0)):
            return .completedSuccessfully
        case .created, .waitingForDependencies, .spawning, .backingOff, .stopping, .killing, .exited, .stopped,
            .stoppedByUser, .failed, .removed:
            return .notStarted
        }
    }
}
