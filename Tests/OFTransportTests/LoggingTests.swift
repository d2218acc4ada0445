import Foundation
import OFSigning
import OFTransport
import XCTest

final class LoggingTests: XCTestCase {
    static let keys = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/keys")

    func testLevelsFilterAndParse() {
        let log = LogCapture()
        let logger = Logger(level: .info) { level, line in log.append("\(level):\(line)") }
        logger.debug("hidden")
        logger.info("shown")
        logger.error("also shown")
        XCTAssertEqual(log.lines, ["info:shown", "error:also shown"])
        XCTAssertEqual(LogLevel(name: "debug"), .debug)
        XCTAssertEqual(LogLevel(name: "CRITICAL"), .error)
        XCTAssertNil(LogLevel(name: "chatty"))
        XCTAssertFalse(Logger.disabled.isEnabled(.error))
    }

    func testRedactedHeaders() {
        let headers: HTTPHeaders = [
            "authorization": "Signature secret", "x-security-token": "s3cr3t-1", "opc-obo-token": "s3cr3t-2", "cookie": "s3cr3t-3",
            "host": "example", "content-length": "3",
        ]
        let text = headers.redactedDescription
        for secret in ["Signature secret", "s3cr3t"] { XCTAssertFalse(text.contains(secret), text) }
        XCTAssertTrue(text.contains("host: example"))
        XCTAssertTrue(text.contains("authorization: <redacted>"))
    }

    /// Every debug line of signed requests and retries, searched for the key, its pass
    /// phrase, tokens and the Authorization header.
    func testDebugLogHasNoSecrets() async throws {
        let passPhrase = "oci-test-passphrase"
        let keyPath = Self.keys.appendingPathComponent("test2048_private_pkcs8_encrypted.pem").path
        let key = try PrivateKey(contentsOfFile: keyPath, passPhrase: passPhrase)
        let signer = RequestSigner(keyId: "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/\(key.fingerprint)", key: key)

        let server = try LoopbackServer()
        defer { server.stop() }
        let log = LogCapture()
        let logger = Logger(level: .debug) { level, line in log.append(line) }
        let client = try HTTPClient(configuration: TransportConfiguration(retry: RetryConfiguration(maxAttempts: 3)), logger: logger)
        defer { client.shutdown() }
        let fake = FakeTime(random: 0)
        let executor = RetryingExecutor(client: client, environment: fake.environment)

        var sentAuthorizations: [String] = []
        for request in [
            HTTPRequest(method: "POST", url: server.url("/echo"), headers: ["x-session-token": "session-secret"], body: .bytes(Array("{}".utf8))),
            HTTPRequest(method: "GET", url: server.url("/flaky/secrets?fail=1&status=503")),
            HTTPRequest(method: "PUT", url: server.url("/echo"), body: .bytes(Array("payload".utf8))),
        ] {
            let response = try await executor.execute(request, mode: .idempotent, authorizer: signer)
            XCTAssertEqual(response.status, 200)
            if let echoed = (try? json(response.body))?["headers"] as? [String: String], let auth = echoed["authorization"] {
                sentAuthorizations.append(auth)
            }
        }
        XCTAssertEqual(sentAuthorizations.count, 2, "the requests were signed")
        XCTAssertGreaterThan(log.lines.count, 6, "debug logging shows the requests")

        let pem = try String(contentsOfFile: keyPath, encoding: .utf8)
        let keyLines = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") && $0.count > 20 }.map(String.init)
        var forbidden = [passPhrase, "session-secret", "Signature version=", "signature=\""] + keyLines
        forbidden += sentAuthorizations
        forbidden += sentAuthorizations.compactMap { auth in
            auth.firstRange(of: "signature=\"").map { String(auth[$0.upperBound...].prefix(40)) }
        }
        for line in log.lines {
            for secret in forbidden where !secret.isEmpty {
                XCTAssertFalse(line.contains(secret), "a log line reveals a secret: \(line)")
            }
        }
    }
}
