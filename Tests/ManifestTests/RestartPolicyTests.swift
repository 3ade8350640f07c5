import Testing

@testable import Manifest

@Suite struct RestartPolicyTests {
    @Test(
        "the docker spellings parse and print back the same",
        arguments: [
            ("no", RestartPolicy.no), ("always", .always), ("on-failure", .onFailure(maxRetries: nil)),
            ("on-failure:5", .onFailure(maxRetries: 5)), ("on-failure:0", .onFailure(maxRetries: 0)),
            ("unless-stopped", .unlessStopped),
        ])
    func valid(text: String, policy: RestartPolicy) {
        #expect(RestartPolicy(text) == policy)
        #expect(policy.description == text)
    }

    @Test(
        "other spellings are rejected",
        arguments: ["sometimes", "on-failure:", "on-failure:-1", "on-failure:x", "No", ""])
    func invalid(text: String) {
        #expect(RestartPolicy(text) == nil)
    }
}
