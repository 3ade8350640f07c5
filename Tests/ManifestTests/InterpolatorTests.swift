import Testing

@testable import Manifest

@Suite struct InterpolatorTests {
    let interpolator = Interpolator(variables: ["HOST": "db", "EMPTY": "", "PORT": "5432"])

    @Test(
        "references are replaced, defaults apply when unset, and $$ is a literal dollar",
        arguments: [
            ("${HOST}:${PORT}", "db:5432"), ("${MISSING:-fallback}", "fallback"), ("${EMPTY:-fallback}", "fallback"),
            ("${EMPTY-fallback}", ""), ("${MISSING-fallback}", "fallback"), ("${HOST:-unused}", "db"),
            ("cost $$5", "cost $5"), ("bare $HOST stays", "bare $HOST stays"), ("no references", "no references"),
            ("$${HOST}", "${HOST}"), ("end$", "end$"),
        ])
    func substitution(text: String, expected: String) {
        #expect(interpolator.interpolate(text) == .success(expected))
    }

    @Test("an unset variable without a default fails naming the variable")
    func unset() {
        #expect(interpolator.interpolate("x${NOPE}y") == .failure(.unset("NOPE")))
    }

    @Test("malformed references fail")
    func malformed() {
        #expect(interpolator.interpolate("${HOST") == .failure(.malformed("unterminated ${ in \"${HOST\"")))
        #expect(interpolator.interpolate("${1X}") == .failure(.malformed("invalid variable reference ${1X}")))
        #expect(
            interpolator.interpolate("${HOST:?err}")
                == .failure(.malformed("invalid variable reference ${HOST:?err}, expected ${NAME} or ${NAME:-default}"))
        )
    }
}
