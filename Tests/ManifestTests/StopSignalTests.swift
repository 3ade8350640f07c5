import Testing

@testable import Manifest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct StopSignalTests {
    @Test("names with or without SIG, in any case, map to the platform's signal numbers")
    func names() {
        #expect(StopSignal("SIGTERM")?.number == SIGTERM)
        #expect(StopSignal("TERM") == StopSignal.terminate)
        #expect(StopSignal("int")?.name == "SIGINT")
        #expect(StopSignal("SIGUSR2")?.number == SIGUSR2)
        #expect(StopSignal("SIGSTOP") == nil)
        #expect(StopSignal("") == nil)
    }
}
