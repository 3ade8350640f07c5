import Foundation
import Testing

@testable import Manifest

@Suite struct StackSpecLoadingTests {
    /// A fresh directory holding `files` (name to contents).
    private func directory(_ files: [String: String]) throws -> String {
        let path = NSTemporaryDirectory() + "manifest-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, contents) in files {
            try contents.write(toFile: "\(path)/\(name)", atomically: true, encoding: .utf8)
        }
        return path
    }

    @Test("files are layered and the env file beside the first one is read, the environment winning")
    func loads() throws {
        let root = try directory([
            "stack.json": Fixtures.defaultStack,
            "stack.override.json": #"{"services": {"api": {"replicas": 5}}}"#,
            ".env": "STORE_PASSWORD=from-file\nAPI_ADMIN_TOKEN=t\nSECRET_KEY=k\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let stack = try StackSpec.load(
            files: ["\(root)/stack.json", "\(root)/stack.override.json"], environment: ["SECRET_KEY": "from-env"])
        #expect(stack[service: "api"]?.replicas == 5)
        #expect(stack.variables["STORE_PASSWORD"] == "from-file")
        #expect(stack.variables["SECRET_KEY"] == "from-env")
    }

    @Test("a missing file, a named env file that is missing, and bad JSON cannot be loaded")
    func unreadable() throws {
        let root = try directory([
            "bad.json": "{\n  \"name\": \"x\",\n}",
            "named.json": #"{"name": "x", "env_file": "prod.env", "services": {}}"#,
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: ManifestError.unreadable("\(root)/absent.json", "no such file")) {
            try StackSpec.load(files: ["\(root)/absent.json"], environment: [:])
        }
        #expect(
            throws: ManifestError.unreadable(
                "\(root)/bad.json", "expected a member name in double quotes at line 3, column 1")
        ) { try StackSpec.load(files: ["\(root)/bad.json"], environment: [:]) }
        #expect(throws: ManifestError.unreadable("\(root)/prod.env", "no such file (named by env_file)")) {
            try StackSpec.load(files: ["\(root)/named.json"], environment: [:])
        }
    }
}
