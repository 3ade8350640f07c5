import Testing

@testable import Metrics

@Suite struct ProcessStatTests {
    @Test("fields are counted from the last parenthesis, whatever the command name holds")
    func awkwardCommandName() throws {
        let line =
            "4242 (evil) (name ) 12) S 1 4242 4242 0 -1 4194560 500 0 0 0 "
            + "150 25 0 0 20 0 3 0 987654 123456789 2048 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 1 0 0\n"
        let stat = try #require(ProcessStat(Array(line.utf8)))
        #expect(stat.userTicks == 150)
        #expect(stat.systemTicks == 25)
        #expect(stat.startTicks == 987654)
        #expect(stat.virtualMemoryBytes == 123456789)
        #expect(stat.residentPages == 2048)
    }

    @Test("a truncated stat line is rejected")
    func truncated() {
        #expect(ProcessStat(Array("1 (x) S 1 2 3".utf8)) == nil)
        #expect(ProcessStat(Array("no parenthesis".utf8)) == nil)
    }

    @Test("the boot time is read from the btime line of /proc/stat")
    func bootTime() {
        let stat = "cpu  1 2 3\ncpu0 1 2 3\nintr 5\nbtime 1700000000\nprocesses 99\n"
        #expect(ProcessStat.bootTime(fromSystemStat: Array(stat.utf8)) == 1_700_000_000)
        #expect(ProcessStat.bootTime(fromSystemStat: Array("cpu 1\n".utf8)) == nil)
    }
}
