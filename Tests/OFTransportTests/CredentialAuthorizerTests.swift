import Foundation
import OFConfig
import OFSigning
import OFTransport
import XCTest

/// A session-token provider whose token changes each time one is invalidated, recording the keyIds it
/// was told were refused.
final class RotatingProvider: CredentialProvider, @unchecked Sendable {
    let mode = AuthMode.securityToken
    let key: PrivateKey
    /// What `invalidate` answers.
    let renews: Bool
    private let lock = NSLock()
    private var generation = 0
    private var refused: [String] = []
    private var handedOut: [String] = []

    init(renews: Bool = true) throws {
        key = try PrivateKey.generate()
        self.renews = renews
    }

    var invalidated: [String] { lock.withLock { refused } }
    var signers: [String] { lock.withLock { handedOut } }

    func signer() throws(CredentialError) -> RequestSigner {
        let keyId = lock.withLock { () -> String in
            let keyId = "ST$token-\(generation)"
            handedOut.append(keyId)
            return keyId
        }
        return RequestSigner(keyId: keyId, key: key)
    }

    func invalidate(keyId: String) -> Bool {
        lock.withLock {
            refused.append(keyId)
            if renews { generation += 1 }
        }
        return renews
    }

    func expiry() -> Int? { nil }
}

final class CredentialAuthorizerTests: XCTestCase {
    var server: LoopbackServer!

    override func setUpWithError() throws { server = try LoopbackServer() }
    override func tearDown() { server?.stop() }

    private func executor(_ retry: RetryConfiguration = RetryConfiguration(), time: FakeTime) throws -> RetryingExecutor {
        RetryingExecutor(client: try HTTPClient(configuration: TransportConfiguration(retry: retry, circuitBreaker: .disabled)),
                         environment: time.environment)
    }

    private func hits(_ id: String) async throws -> Int {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let response = try await client.execute(HTTPRequest(method: "GET", url: server.url("/count/\(id)")))
        return Int(String(decoding: response.body, as: UTF8.self)) ?? -1
    }

    func testSignsAsTheSignerItselfDoes() throws {
        let key = try PrivateKey.generate()
        let signer = RequestSigner(keyId: "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb", key: key, clock: { 1_780_000_000 })
        let authorizer = CredentialAuthorizer(provider: APIKeyProvider(signer: signer))
        let request = HTTPRequest(method: "POST", url: server.url("/echo?x=1"), headers: ["opc-request-id": "r1"], body: .bytes(Array("{}".utf8)))
        let viaProvider = try authorizer.authorize(request)
        let direct = try signer.authorize(request)
        XCTAssertEqual(viaProvider.headers, direct.headers)
        XCTAssertNotNil(viaProvider.headers["authorization"])
        XCTAssertFalse(authorizer.unauthorized(viaProvider), "an API key is not renewed by a 401")
    }

    func testA401IsSentOnceMoreWithRenewedCredentialsEvenForAnInvocation() async throws {
        for (id, mode) in [("u1", RetryMode.never), ("u2", .invoke), ("u3", .idempotent)] {
            let provider = try RotatingProvider()
            let time = FakeTime()
            let executor = try executor(time: time)
            let response = try await executor.execute(
                HTTPRequest(method: "POST", url: server.url("/flaky/\(id)?fail=1&status=401&code=NotAuthenticated"), body: .bytes([1])),
                mode: mode, authorizer: CredentialAuthorizer(provider: provider))
            XCTAssertEqual(response.status, 200, "\(mode)")
            XCTAssertEqual(response.attempts, 2, "\(mode)")
            XCTAssertEqual(provider.invalidated, ["ST$token-0"], "the refused keyId is the one that signed the request")
            XCTAssertEqual(provider.signers, ["ST$token-0", "ST$token-1"], "signed afresh with the renewed token")
            XCTAssertEqual(time.sleeps, [], "at once, no backoff")
            let hitCount = try await hits(id)
            XCTAssertEqual(hitCount, 2)
        }
    }

    func testOnlyOneRenewalPerExecute() async throws {
        let provider = try RotatingProvider()
        let executor = try executor(time: FakeTime())
        let response = try await executor.execute(
            HTTPRequest(method: "POST", url: server.url("/flaky/u4?fail=100&status=401"), body: .bytes([1])),
            mode: .invoke, authorizer: CredentialAuthorizer(provider: provider))
        XCTAssertEqual(response.status, 401)
        XCTAssertEqual(response.attempts, 2)
        XCTAssertEqual(provider.invalidated, ["ST$token-0"])
        let hitCount = try await hits("u4")
        XCTAssertEqual(hitCount, 2)
    }

    func testNoRetryWhenTheCredentialsCannotBeRenewed() async throws {
        let provider = try RotatingProvider(renews: false)
        let executor = try executor(time: FakeTime())
        let response = try await executor.execute(
            HTTPRequest(method: "GET", url: server.url("/flaky/u5?fail=1&status=401")),
            mode: .idempotent, authorizer: CredentialAuthorizer(provider: provider))
        XCTAssertEqual(response.status, 401)
        XCTAssertEqual(response.attempts, 1)
        XCTAssertEqual(provider.invalidated, ["ST$token-0"], "asked, and it said no")
        // A bare signer keeps the default hook: no renewal.
        let signer = RequestSigner(keyId: "t/u/f", key: provider.key)
        let plain = try await executor.execute(HTTPRequest(method: "GET", url: server.url("/flaky/u6?fail=1&status=401")), mode: .never, authorizer: signer)
        XCTAssertEqual(plain.attempts, 1)
        let hitCount = try await hits("u6")
        XCTAssertEqual(hitCount, 1)
    }

    func testTheRenewalHappensWithRetriesDisabled() async throws {
        let provider = try RotatingProvider()
        let executor = try executor(.disabled, time: FakeTime())
        let response = try await executor.execute(
            HTTPRequest(method: "GET", url: server.url("/flaky/u7?fail=1&status=401")), mode: .idempotent,
            authorizer: CredentialAuthorizer(provider: provider))
        XCTAssertEqual(response.status, 200, "a 401 means nothing ran: the renewal is not a retry")
        XCTAssertEqual(response.attempts, 2)
        XCTAssertEqual(provider.invalidated, ["ST$token-0"])
    }
}
