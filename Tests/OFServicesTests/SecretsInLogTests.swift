import Foundation
import OFConfig
import OFServices
import OFTransport
import XCTest

final class SecretsInLogTests: XCTestCase {
    /// Every debug line of a session touching every service, with an encrypted key: none
    /// shows the key, its pass phrase, a token or the Authorization header.
    func testDebugLogRevealsNoSecret() async throws {
        let harness = try await EmulatorHarness(configPath: Fixtures.encryptedConfig)
        addTeardownBlock { await harness.stop() }
        let storage = try harness.storage()
        _ = try await storage.createBucket("secrets")
        try await storage.putObject(bucket: "secrets", name: "a", body: .bytes(Array("x".utf8)))
        _ = try await storage.getObject(bucket: "secrets", name: "a")
        _ = try await storage.listObjects(bucket: "secrets")
        _ = await serviceError { _ = try await storage.headObject(bucket: "secrets", name: "missing") }
        let management = try harness.management()
        let app = try await management.createApplication(displayName: "secrets")
        let function = try await management.createFunction(CreateFunctionDetails(applicationId: app.id, displayName: "echo", image: "oraclefn/echo", memoryInMBs: 128))
        _ = try await harness.invoker().invoke(functionId: function.id, body: Array("{}".utf8))

        let lines = harness.log.lines
        XCTAssertGreaterThan(lines.filter { $0.hasPrefix("→ ") }.count, 8)
        XCTAssertTrue(lines.contains { $0.contains("authorization: <redacted>") }, "requests are logged, their credentials redacted")

        let passPhrase = try XCTUnwrap(harness.configuration.oracle.passPhrase)
        let pem = try String(contentsOfFile: try XCTUnwrap(harness.configuration.oracle.keyFile), encoding: .utf8)
        let keyLines = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") && $0.count > 16 }.map(String.init)
        XCTAssertFalse(keyLines.isEmpty)
        let forbidden = [passPhrase, "Signature version=", "signature=\"", "keyId=\"", "RPST", "PRIVATE KEY"] + keyLines
        for line in lines {
            for secret in forbidden {
                XCTAssertFalse(line.contains(secret), "a debug line shows a secret (\(secret.prefix(12))...): \(line)")
            }
        }
    }
}
