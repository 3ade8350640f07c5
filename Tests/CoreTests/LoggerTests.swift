import Synchronization
import Testing

@testable import Core

@Suite struct LoggerTests {
    @Test("a line carries time, level, program, instance and message in logfmt")
    func format() {
        let line = Logger.format(
            time: 1_764_088_800.123, level: .info, program: "store", instance: "store-1",
            message: "ready to accept connections", fields: [("port", "6379")])
        #expect(
            line
                == "time=2025-11-25T16:40:00.123Z level=info program=store instance=store-1 msg=\"ready to accept connections\" port=6379\n"
        )
    }

    @Test("values with quotes, equals signs and newlines are quoted and escaped")
    func quoting() {
        #expect(Logger.quote("plain") == "plain")
        #expect(Logger.quote("") == "\"\"")
        #expect(Logger.quote("a=b") == "\"a=b\"")
        #expect(Logger.quote("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\"")
    }

    @Test("lines below the minimum level are dropped")
    func levels() {
        let lines = Mutex<[String]>([])
        let logger = Logger(program: "t", minimumLevel: .warning, sink: { line in lines.withLock { $0.append(line) } })
        logger.info("quiet")
        logger.warning("loud", ["k": 1])
        let captured = lines.withLock { $0 }
        #expect(captured.count == 1)
        #expect(captured[0].contains("level=warn"))
        #expect(captured[0].contains("k=1"))
    }
}
