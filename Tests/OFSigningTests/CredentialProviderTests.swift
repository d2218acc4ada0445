import Foundation
import OFConfig
import XCTest

@testable import OFSigning

private let start = 1_780_000_000

/// Signs a GET with `signer` and checks it with SignatureVerifier against `publicKey`.
private func assertVerifies(_ signer: RequestSigner, with publicKey: PublicKey, at now: Int,
                            file: StaticString = #filePath, line: UInt = #line) throws {
    let url = "https://objectstorage.us-ashburn-1.oraclecloud.com/n/"
    let headers = try signer.sign(method: "GET", url: url, headers: [:], body: nil, signBody: nil)
    let verifier = SignatureVerifier(keys: [signer.keyId: publicKey], clock: { now })
    let result = verifier.verify(method: "GET", target: "/n/", headers: headers.map { ($0.key, $0.value) }, body: [])
    XCTAssertEqual(try? result.get(), signer.keyId, "\(result)", file: file, line: line)
}

final class JWTAndCertificateTests: XCTestCase {
    func testJWTClaimsAreRead() throws {
        let key = try PrivateKey.generate()
        let token = try TestJWT.make(
            ["exp": start + 60, "iat": start, "res_tenant": "ocid1.tenancy.oc1..t", "jwk": ["kid": "k", "n": "AQAB"], "ok": true], key: key)
        let jwt = try XCTUnwrap(JWT(token))
        XCTAssertEqual(jwt.expiry, start + 60)
        XCTAssertEqual(jwt.issuedAt, start)
        XCTAssertEqual(jwt.string("res_tenant"), "ocid1.tenancy.oc1..t")
        XCTAssertEqual(jwt.claims["jwk"], .object(["kid": .string("k"), "n": .string("AQAB")]))
        XCTAssertEqual(jwt.claims["ok"], .bool(true))
        XCTAssertNil(jwt.string("exp"), "a number is not a string claim")
    }

    func testJWTBase64URLWithoutPadding() throws {
        // {"exp":1,"s":"~~~?>>"}: base64 "eyJleHAiOjEsInMiOiJ+fn4/Pj4ifQ==", so base64url uses - and _ and drops "==".
        let jwt = try XCTUnwrap(JWT("e30.eyJleHAiOjEsInMiOiJ-fn4_Pj4ifQ.sig"))
        XCTAssertEqual(jwt.expiry, 1)
        XCTAssertEqual(jwt.string("s"), "~~~?>>")
    }

    func testMalformedJWTsAreRefused() {
        XCTAssertNil(JWT("not a token"))
        XCTAssertNil(JWT("a.b"))
        XCTAssertNil(JWT("e30.e30"), "two parts only")
        XCTAssertNil(JWT("e30.!!!!.sig"), "payload not base64url")
        XCTAssertNil(JWT("e30.\(TestJWT.base64URL(Data("[1,2]".utf8))).sig"), "payload not an object")
        XCTAssertNotNil(JWT("e30.e30.sig"))
    }

    func testCertificateFingerprintSubjectAndKeyMatchOpenSSL() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let identity = try InstanceIdentity(in: scratch)
        let certificate = try XCTUnwrap(Certificate(pem: Array(identity.leafPEM.utf8)))
        XCTAssertEqual(certificate.sha256Fingerprint(), identity.leafSHA256Fingerprint)
        XCTAssertEqual(certificate.sha256Fingerprint(uppercase: true), identity.leafSHA256Fingerprint.uppercased())
        XCTAssertEqual(certificate.sha256Fingerprint().count, 32 * 3 - 1)
        XCTAssertEqual(certificate.tenancy, InstanceIdentity.tenancy)
        XCTAssertEqual(certificate.subject.first, Certificate.Attribute(name: "CN", value: "ocid1.instance.oc1.iad.testinstance"))
        XCTAssertEqual(certificate.subject.filter { $0.name == "OU" }.count, 4)
        XCTAssertEqual(certificate.base64DER, identity.leafBase64)
        XCTAssertEqual(certificate.publicKey.pem, identity.leafPublicKey.pem)
        XCTAssertEqual(Certificate.all(pem: Array((identity.leafPEM + identity.intermediatePEM).utf8)).count, 2)
        XCTAssertNil(Certificate(pem: Array("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8)))
        XCTAssertNil(Certificate(pem: Array(identity.leafKeyPEM.utf8)), "a key is not a certificate")
    }

    func testTenancyFromOpcIdentityAndNone() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let identity = try InstanceIdentity(in: scratch, subject: "/CN=x/O=opc-identity:ocid1.tenancy.oc1..other")
        XCTAssertEqual(Certificate(pem: Array(identity.leafPEM.utf8))?.tenancy, "ocid1.tenancy.oc1..other")
        XCTAssertNil(Certificate(pem: Array(identity.intermediatePEM.utf8))?.tenancy)
    }
}

final class APIKeyProviderTests: XCTestCase {
    func testSignsWithTheConfiguredKeyAndNeverExpires() throws {
        let vector = try XCTUnwrap(Fixtures.signerVectors().first { $0.name == "get_list_functions_query" })
        let tenancy = "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq"
        let user = "ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq"
        let configuration = try Configuration.parse(yaml: """
            oracle:
                user: \(user)
                region: us-ashburn-1
                fingerprint: \(Fixtures.testKeyFingerprint)
                tenancy: \(tenancy)
                key_file: \(Fixtures.path("test2048_private_pkcs1_encrypted_aes128.pem"))
                pass_phrase: \(Fixtures.passPhrase)
                compartment_id: ocid1.compartment.oc1..aaaaaaaatestcompartment
            oracle_f:
                subnet_id: ocid1.subnet.oc1.iad.aaaaaaaatestsubnet
            """, baseDirectory: FileManager.default.temporaryDirectory.path)
        let provider = try APIKeyProvider(credentials: try XCTUnwrap(configuration.oracle.credentials.apiKey), section: "oracle", clock: { vector.signedAt })
        XCTAssertEqual(provider.mode, .apiKey)
        XCTAssertNil(provider.expiry())
        let signer = provider.signer()
        XCTAssertEqual(signer.keyId, vector.keyId)
        let headers = try signer.sign(method: vector.method, url: vector.url, headers: [:], body: nil, signBody: nil)
        XCTAssertEqual(headers["authorization"], vector.pythonOrderAuthorization)
        XCTAssertFalse(provider.invalidate(keyId: vector.keyId), "retrying with the same API key cannot help")
    }

    func testKeyErrorsAreConfigErrorsAsBefore() throws {
        let credentials = try Configuration.parse(yaml: """
            oracle:
                user: ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq
                region: us-ashburn-1
                fingerprint: \(Fixtures.testKeyFingerprint)
                tenancy: ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq
                key_file: \(Fixtures.path("test2048_private_pkcs1_encrypted_aes128.pem"))
                compartment_id: ocid1.compartment.oc1..aaaaaaaatestcompartment
            oracle_f:
                subnet_id: ocid1.subnet.oc1.iad.aaaaaaaatestsubnet
            """, baseDirectory: FileManager.default.temporaryDirectory.path).oracle.credentials.apiKey
        XCTAssertThrowsError(try APIKeyProvider(credentials: try XCTUnwrap(credentials), section: "oracle")) { error in
            XCTAssertEqual((error as? ConfigError)?.key, "pass_phrase")
        }
    }
}

final class SecurityTokenProviderTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var key: PrivateKey!
    private var keyFile: String!
    private let profile = "profile \"SESSION\" of /home/me/.oci/config"

    override func setUpWithError() throws {
        scratch = try ScratchDirectory()
        key = try PrivateKey.generate()
        keyFile = try scratch.write("oci_api_key.pem", key.pkcs8PEM())
    }

    override func tearDown() { scratch.remove() }

    private func provider(_ tokenFile: String, clock: ManualClock, keyFile: String? = nil) throws -> SecurityTokenProvider {
        try SecurityTokenProvider(tokenFile: tokenFile, keyFile: keyFile ?? self.keyFile, passPhrase: nil,
                                  profileDescription: profile, profileName: "SESSION", clock: clock.function)
    }

    func testSignsWithTheTokenAsKeyIdAndTheSessionKey() throws {
        let clock = ManualClock(start)
        let token = try TestJWT.make(["exp": start + 3600, "sess_exp": start + 86400], key: key)
        let tokenFile = try scratch.write("token", token + "\n")
        let provider = try provider(tokenFile, clock: clock)
        XCTAssertEqual(provider.mode, .securityToken)
        XCTAssertEqual(provider.expiry(), start + 3600)
        let signer = try provider.signer()
        XCTAssertEqual(signer.keyId, "ST$" + token, "the trailing newline of the file is not part of the token")
        try assertVerifies(signer, with: key.publicKey, at: clock.now)
    }

    func testTheTokenFileIsReadAgainWhenRewrittenAtMostOncePerSecond() throws {
        let clock = ManualClock(start)
        let first = try TestJWT.make(["exp": start + 3600], key: key)
        let tokenFile = try scratch.write("token", first)
        let provider = try provider(tokenFile, clock: clock)
        XCTAssertEqual(try provider.signer().keyId, "ST$" + first)

        // `oci session refresh` writes a new token (and this session's key stays the same).
        let second = try TestJWT.make(["exp": start + 7200, "jti": "refreshed"], key: key)
        try scratch.write("token", second)
        XCTAssertEqual(try provider.signer().keyId, "ST$" + first, "not looked at again within the same second")
        clock.advance(1)
        XCTAssertEqual(try provider.signer().keyId, "ST$" + second)
        XCTAssertEqual(provider.expiry(), start + 7200)
    }

    func testTheKeyFileIsReadAgainWithAChangedToken() throws {
        let clock = ManualClock(start)
        let tokenFile = try scratch.write("token", try TestJWT.make(["exp": start + 3600], key: key))
        let provider = try provider(tokenFile, clock: clock)
        try assertVerifies(provider.signer(), with: key.publicKey, at: clock.now)
        // `oci session authenticate` again: a new key pair and a new token.
        let newKey = try PrivateKey.generate()
        try scratch.write("oci_api_key.pem", newKey.pkcs8PEM())
        try scratch.write("token", try TestJWT.make(["exp": start + 3600, "jti": "new-session"], key: newKey))
        clock.advance(2)
        try assertVerifies(provider.signer(), with: newKey.publicKey, at: clock.now)
    }

    func testAnExpiredTokenSaysToRefreshTheSessionAndWorksOnceRefreshed() throws {
        let clock = ManualClock(start)
        let expired = try TestJWT.make(["exp": start - 10], key: key)
        let tokenFile = try scratch.write("token", expired)
        let provider = try provider(tokenFile, clock: clock)
        let error = try XCTUnwrap(credentialError { try provider.signer() })
        XCTAssertEqual(error.kind, .expired)
        XCTAssertTrue(error.description.contains("oci session refresh --profile SESSION"), error.description)
        XCTAssertTrue(error.description.contains(tokenFile), error.description)
        XCTAssertTrue(error.description.contains("2026-05-28 20:26:30 UTC"), error.description)
        XCTAssertTrue(error.description.contains(profile), error.description)
        XCTAssertFalse(error.description.contains(expired), "no token in messages")
        XCTAssertFalse(error.description.contains(String(expired.split(separator: ".")[1])), "no part of it either")

        let fresh = try TestJWT.make(["exp": start + 3600, "jti": "after-refresh"], key: key)
        try scratch.write("token", fresh)
        clock.advance(1)
        XCTAssertEqual(try provider.signer().keyId, "ST$" + fresh)
    }

    func testAnExpiredTokenIsReadAgainEvenWhenTheFileLooksTheSame() throws {
        let clock = ManualClock(start)
        let tokenFile = try scratch.write("token", try TestJWT.make(["exp": start + 30], key: key))
        let provider = try provider(tokenFile, clock: clock)
        XCTAssertNoThrow(try provider.signer())
        clock.advance(40)
        XCTAssertEqual(credentialError { try provider.signer() }?.kind, .expired)
    }

    func testInvalidateReadsTheFileAtOnce() throws {
        let clock = ManualClock(start)
        let first = try TestJWT.make(["exp": start + 3600], key: key)
        let tokenFile = try scratch.write("token", first)
        let provider = try provider(tokenFile, clock: clock)
        XCTAssertFalse(provider.invalidate(keyId: "ST$" + first), "the file still holds the refused token")
        let second = try TestJWT.make(["exp": start + 3600, "jti": "2"], key: key)
        try scratch.write("token", second)
        XCTAssertTrue(provider.invalidate(keyId: "ST$" + first), "same second, but a 401 is worth a look")
        XCTAssertEqual(try provider.signer().keyId, "ST$" + second)
        XCTAssertFalse(provider.invalidate(keyId: "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb"))
    }

    func testMissingAndMalformedFilesNameTheSetting() throws {
        let clock = ManualClock(start)
        let missing = try XCTUnwrap(credentialError { try self.provider(self.scratch.path("nope"), clock: clock) })
        XCTAssertEqual(missing.kind, .configuration)
        XCTAssertEqual(missing.key, "security_token_file")
        XCTAssertTrue(missing.description.contains("does not exist"), missing.description)

        let garbage = try scratch.write("garbage", "this is not a token\n")
        let malformed = try XCTUnwrap(credentialError { try self.provider(garbage, clock: clock) })
        XCTAssertEqual(malformed.key, "security_token_file")
        XCTAssertTrue(malformed.description.contains("oci session authenticate"), malformed.description)
        XCTAssertFalse(malformed.description.contains("this is not a token"))

        let tokenFile = try scratch.write("token", try TestJWT.make(["exp": start + 3600], key: key))
        let badKey = try XCTUnwrap(credentialError { try self.provider(tokenFile, clock: clock, keyFile: self.scratch.path("nokey.pem")) })
        XCTAssertEqual(badKey.key, "key_file")
        XCTAssertTrue(badKey.description.contains(profile), badKey.description)
    }
}

final class ResourcePrincipalProviderTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var key: PrivateKey!
    private let tenancy = "ocid1.tenancy.oc1..aaaaaaaarptenancy"
    private let compartment = "ocid1.compartment.oc1..aaaaaaaarpcompartment"

    override func setUpWithError() throws {
        scratch = try ScratchDirectory()
        key = try PrivateKey.generate()
    }

    override func tearDown() { scratch.remove() }

    private func rpst(exp: Int, _ extra: [String: Any] = [:]) throws -> String {
        try TestJWT.make(["exp": exp, "res_tenant": tenancy, "res_compartment": compartment, "res_type": "fnfunc"]
            .merging(extra) { $1 }, key: key)
    }

    func testValuesInTheVariables() throws {
        let clock = ManualClock(start)
        let token = try rpst(exp: start + 1200)
        let environment = [
            "OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
            "OCI_RESOURCE_PRINCIPAL_RPST": token,
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": try key.pkcs8PEM(),
            "OCI_RESOURCE_PRINCIPAL_REGION": "eu-frankfurt-1",
        ]
        let provider = try ResourcePrincipalProvider(environment: environment, clock: clock.function)
        XCTAssertEqual(provider.mode, .resourcePrincipal)
        XCTAssertEqual(provider.region, "eu-frankfurt-1")
        XCTAssertEqual(provider.tenancy, tenancy)
        XCTAssertEqual(provider.compartment, compartment)
        XCTAssertEqual(provider.expiry(), start + 1200)
        let signer = try provider.signer()
        XCTAssertEqual(signer.keyId, "ST$" + token)
        try assertVerifies(signer, with: key.publicKey, at: clock.now)
        XCTAssertFalse(provider.invalidate(keyId: signer.keyId), "a token given as a value cannot be renewed")
    }

    func testEncryptedKeyValueWithPassPhrase() throws {
        let pem = try String(contentsOfFile: Fixtures.path("test2048_private_pkcs8_encrypted.pem"), encoding: .utf8)
        var environment = [
            "OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
            "OCI_RESOURCE_PRINCIPAL_RPST": try rpst(exp: start + 1200),
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": pem,
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE": Fixtures.passPhrase,
        ]
        let provider = try ResourcePrincipalProvider(environment: environment, clock: { start })
        XCTAssertNil(provider.region)
        try assertVerifies(provider.signer(), with: Fixtures.key("test2048_private_pkcs8.pem").publicKey, at: start)

        environment["OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE"] = "wrong-pass-phrase"
        let error = try XCTUnwrap(credentialError { try ResourcePrincipalProvider(environment: environment, clock: { start }) })
        XCTAssertEqual(error.key, "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE")
        XCTAssertFalse(error.description.contains("wrong-pass-phrase"), "no pass phrase in messages")
    }

    func testFilesNamedByAbsolutePathsAreReadAndReadAgain() throws {
        let clock = ManualClock(start)
        let first = try rpst(exp: start + 1200)
        let encrypted = try String(contentsOfFile: Fixtures.path("test2048_private_pkcs1_encrypted_aes128.pem"), encoding: .utf8)
        let environment = [
            "OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
            "OCI_RESOURCE_PRINCIPAL_RPST": try scratch.write("rpst", first),
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": try scratch.write("private.pem", encrypted),
            // With the key in a file, the pass phrase variable names a file too (the SDK's FileBasedSessionKeySupplier).
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE": try scratch.write("passphrase", Fixtures.passPhrase + "\n"),
            "OCI_RESOURCE_PRINCIPAL_REGION": "us-ashburn-1",
        ]
        let provider = try ResourcePrincipalProvider(environment: environment, clock: clock.function)
        let fixtureKey = try Fixtures.key("test2048_private_pkcs8.pem")
        XCTAssertEqual(try provider.signer().keyId, "ST$" + first)
        try assertVerifies(provider.signer(), with: fixtureKey.publicKey, at: clock.now)

        let second = try rpst(exp: start + 2400, ["jti": "renewed"])
        try scratch.write("rpst", second)
        clock.advance(1)
        XCTAssertEqual(try provider.signer().keyId, "ST$" + second)
        XCTAssertEqual(provider.expiry(), start + 2400)

        // Near expiry, with the platform late to renew: the token in use is kept until it expires.
        clock.advance(2400 - 1 - 30)
        XCTAssertEqual(try provider.signer().keyId, "ST$" + second)
        clock.advance(31)
        let expired = try XCTUnwrap(credentialError { try provider.signer() })
        XCTAssertEqual(expired.kind, .expired)
        XCTAssertTrue(expired.description.contains(scratch.path("rpst")), expired.description)
        XCTAssertFalse(expired.description.contains(second))
    }

    func testARelativePathIsAValueAsTheSDKReadsIt() throws {
        let environment = [
            "OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
            "OCI_RESOURCE_PRINCIPAL_RPST": "rpst",
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": try key.pkcs8PEM(),
        ]
        let error = try XCTUnwrap(credentialError { try ResourcePrincipalProvider(environment: environment, clock: { start }) })
        XCTAssertEqual(error.kind, .configuration)
        XCTAssertEqual(error.key, "OCI_RESOURCE_PRINCIPAL_RPST")
        XCTAssertTrue(error.description.contains("does not hold a resource principal session token"), error.description)
    }

    func testAnExpiredValueCannotBeRenewed() throws {
        let token = try rpst(exp: start - 1)
        let environment = [
            "OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
            "OCI_RESOURCE_PRINCIPAL_RPST": token,
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": try key.pkcs8PEM(),
        ]
        let provider = try ResourcePrincipalProvider(environment: environment, clock: { start })
        let error = try XCTUnwrap(credentialError { try provider.signer() })
        XCTAssertEqual(error.kind, .expired)
        XCTAssertTrue(error.description.contains("OCI_RESOURCE_PRINCIPAL_RPST"), error.description)
        XCTAssertFalse(error.description.contains(token))
    }

    func testMissingVariablesAndOtherVersions() throws {
        let full = [
            "OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
            "OCI_RESOURCE_PRINCIPAL_RPST": try rpst(exp: start + 60),
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": try key.pkcs8PEM(),
        ]
        for variable in ["OCI_RESOURCE_PRINCIPAL_VERSION", "OCI_RESOURCE_PRINCIPAL_RPST", "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"] {
            var environment = full
            environment[variable] = nil
            let error = try XCTUnwrap(credentialError { try ResourcePrincipalProvider(environment: environment, clock: { start }) })
            XCTAssertEqual(error.kind, .configuration)
            XCTAssertEqual(error.key, variable)
            XCTAssertTrue(error.description.hasPrefix("\(variable) is not set"), error.description)
            XCTAssertTrue(error.description.contains("inside an OCI function"), error.description)
        }
        var environment = full
        environment["OCI_RESOURCE_PRINCIPAL_VERSION"] = "1.1"
        let version = try XCTUnwrap(credentialError { try ResourcePrincipalProvider(environment: environment, clock: { start }) })
        XCTAssertEqual(version.key, "OCI_RESOURCE_PRINCIPAL_VERSION")
        XCTAssertTrue(version.description.contains("\"1.1\"") && version.description.contains("2.2"), version.description)

        environment = full
        environment["OCI_RESOURCE_PRINCIPAL_RPST"] = scratch.path("missing-rpst")
        let file = try XCTUnwrap(credentialError { try ResourcePrincipalProvider(environment: environment, clock: { start }) })
        XCTAssertEqual(file.key, "OCI_RESOURCE_PRINCIPAL_RPST")
        XCTAssertTrue(file.description.contains("does not exist"), file.description)
    }
}

/// The metadata service and the auth endpoint of one instance, as a CredentialFetch.
final class FakeInstance: @unchecked Sendable {
    let identity: InstanceIdentity
    let tokenKey: PrivateKey
    let clock: ManualClock
    private let lock = NSLock()
    private var log: [CredentialRequest] = []
    private var issued = 0
    var region = "us-ashburn-1"
    var tokenLifetime = 1200
    /// Status and body the federation endpoint answers instead of a token.
    var federationFailure: (Int, String)?
    var metadataStatus = 200
    var federationDelay: TimeInterval = 0

    init(identity: InstanceIdentity, clock: ManualClock) throws {
        self.identity = identity
        self.tokenKey = try PrivateKey.generate()
        self.clock = clock
    }

    var requests: [CredentialRequest] { lock.withLock { log } }
    var federations: [CredentialRequest] { requests.filter { $0.method == "POST" } }
    var tokens: [String] = []

    var fetch: CredentialFetch {
        { request throws(CredentialError) in self.answer(request) }
    }

    private func answer(_ request: CredentialRequest) -> CredentialResponse {
        lock.withLock { log.append(request) }
        let metadata = "http://169.254.169.254/opc/v2/"
        if request.url.hasPrefix(metadata) {
            guard request.headers["Authorization"] == "Bearer Oracle" else { return CredentialResponse(status: 401, body: []) }
            guard metadataStatus == 200 else { return CredentialResponse(status: metadataStatus, body: Array("Not Found".utf8)) }
            switch request.url.dropFirst(metadata.count) {
            case "identity/cert.pem": return CredentialResponse(status: 200, body: Array(identity.leafPEM.utf8))
            case "identity/key.pem": return CredentialResponse(status: 200, body: Array(identity.leafKeyPEM.utf8))
            case "identity/intermediate.pem": return CredentialResponse(status: 200, body: Array(identity.intermediatePEM.utf8))
            case "instance/region": return CredentialResponse(status: 200, body: Array((region == "us-ashburn-1" ? "iad\n" : region + "\n").utf8))
            case "instance/canonicalRegionName": return CredentialResponse(status: 200, body: Array(region.utf8))
            default: return CredentialResponse(status: 404, body: [])
            }
        }
        if federationDelay > 0 { Thread.sleep(forTimeInterval: federationDelay) }
        if let (status, body) = federationFailure { return CredentialResponse(status: status, body: Array(body.utf8)) }
        let token = lock.withLock { () -> String in
            issued += 1
            let token = (try? TestJWT.make(["exp": clock.now + tokenLifetime, "iat": clock.now, "n": issued], key: tokenKey)) ?? ""
            tokens.append(token)
            return token
        }
        return CredentialResponse(status: 200, headers: ["content-type": "application/json"], body: Array("{\"token\": \"\(token)\"}".utf8))
    }
}

final class InstancePrincipalProviderTests: XCTestCase {
    /// One certificate chain for the class: openssl takes a while on a busy machine.
    private static let fixture = Result { () throws -> (ScratchDirectory, InstanceIdentity) in
        let scratch = try ScratchDirectory()
        return (scratch, try InstanceIdentity(in: scratch))
    }

    override class func tearDown() { (try? fixture.get())?.0.remove() }

    private func instance(_ clock: ManualClock) throws -> FakeInstance {
        try FakeInstance(identity: Self.fixture.get().1, clock: clock)
    }

    func testFederatesAsTheSDKDoes() throws {
        let clock = ManualClock(start)
        let instance = try instance(clock)
        let provider = InstancePrincipalProvider(metadataBaseURL: InstancePrincipalProvider.defaultMetadataBaseURL, fetch: instance.fetch, clock: clock.function)
        XCTAssertEqual(provider.mode, .instancePrincipal)
        XCTAssertTrue(instance.requests.isEmpty, "nothing is fetched before the first signer()")
        XCTAssertNil(provider.expiry())

        let signer = try provider.signer()
        XCTAssertEqual(instance.requests.map { "\($0.method) \($0.url)" }, [
            "GET http://169.254.169.254/opc/v2/identity/cert.pem",
            "GET http://169.254.169.254/opc/v2/identity/key.pem",
            "GET http://169.254.169.254/opc/v2/identity/intermediate.pem",
            "GET http://169.254.169.254/opc/v2/instance/region",
            "GET http://169.254.169.254/opc/v2/instance/canonicalRegionName",
            "POST https://auth.us-ashburn-1.oraclecloud.com/v1/x509",
        ])
        XCTAssertEqual(try provider.region(), "us-ashburn-1")
        XCTAssertEqual(try provider.tenancy(), InstanceIdentity.tenancy)

        // The federation request: body fields and a signature by the leaf key under the fed-x509-sha256 keyId.
        let federation = try XCTUnwrap(instance.federations.first)
        let body = try XCTUnwrap(federation.body)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["certificate", "publicKey", "intermediateCertificates", "fingerprintAlgorithm"])
        XCTAssertEqual(json["certificate"] as? String, instance.identity.leafBase64)
        XCTAssertEqual(json["intermediateCertificates"] as? [String], [instance.identity.intermediateBase64])
        XCTAssertEqual(json["fingerprintAlgorithm"] as? String, "SHA256")
        let sessionPublicKey = try PublicKey(pem: Array(pem("PUBLIC KEY", base64: XCTUnwrap(json["publicKey"] as? String)).utf8))

        let headers = federation.headers
        XCTAssertEqual(headers["content-type"], "application/json")
        XCTAssertEqual(headers["content-length"], String(body.count))
        XCTAssertEqual(headers["x-content-sha256"], Data(try XCTUnwrap(Digest.sha256(body))).base64EncodedString())
        XCTAssertEqual(headers["date"], HTTPDate.format(start))
        let authorization = try XCTUnwrap(headers["authorization"])
        let keyId = "\(InstanceIdentity.tenancy)/fed-x509-sha256/\(instance.identity.leafSHA256Fingerprint)"
        XCTAssertTrue(authorization.contains("keyId=\"\(keyId)\""), authorization)
        XCTAssertTrue(authorization.contains("headers=\"date (request-target) content-length content-type x-content-sha256\""), authorization)
        let signatureText = try XCTUnwrap(authorization.split(separator: "signature=\"").last?.split(separator: "\"").first)
        let signature = try XCTUnwrap(Data(base64Encoded: String(signatureText)))
        let signingString = """
            date: \(HTTPDate.format(start))
            (request-target): post /v1/x509
            content-length: \(body.count)
            content-type: application/json
            x-content-sha256: \(headers["x-content-sha256"] ?? "")
            """
        XCTAssertTrue(instance.identity.leafPublicKey.verify(signature: Array(signature), data: Array(signingString.utf8)),
                      "signed by the instance's leaf key over date (request-target) and the body headers")

        // Requests are then signed with the token and the session key whose public half was sent.
        let token = try XCTUnwrap(instance.tokens.first)
        XCTAssertEqual(signer.keyId, "ST$" + token)
        XCTAssertEqual(provider.expiry(), start + 1200)
        try assertVerifies(signer, with: sessionPublicKey, at: clock.now)
        XCTAssertEqual(try provider.signer().keyId, signer.keyId, "the token is reused while valid")
        XCTAssertEqual(instance.federations.count, 1)
    }

    func testGivenAuthEndpointAndMetadataURL() throws {
        let clock = ManualClock(start)
        let instance = try instance(clock)
        let provider = InstancePrincipalProvider(
            metadataBaseURL: "http://169.254.169.254/opc/v2/", authEndpoint: "https://auth.example.test/",
            fetch: instance.fetch, clock: clock.function)
        _ = try provider.signer()
        XCTAssertEqual(instance.requests.map(\.url).last, "https://auth.example.test/v1/x509")
        XCTAssertFalse(instance.requests.contains { $0.url.contains("instance/region") }, "no region needed")

        XCTAssertEqual(InstancePrincipalProvider.metadataBaseURL(environment: [:]), "http://169.254.169.254/opc/v2")
        XCTAssertEqual(InstancePrincipalProvider.metadataBaseURL(environment: ["OCI_METADATA_BASE_URL": "  "]), "http://169.254.169.254/opc/v2")
        XCTAssertEqual(InstancePrincipalProvider.metadataBaseURL(environment: ["OCI_METADATA_BASE_URL": " http://127.0.0.1:8080/opc/v2\n"]),
                       "http://127.0.0.1:8080/opc/v2")
    }

    func testRegionThatIsAlreadyCanonical() throws {
        let clock = ManualClock(start)
        let instance = try instance(clock)
        instance.region = "mx-queretaro-1"
        let provider = InstancePrincipalProvider(fetch: instance.fetch, clock: clock.function)
        XCTAssertEqual(try provider.region(), "mx-queretaro-1")
        XCTAssertEqual(instance.requests.map(\.url), ["http://169.254.169.254/opc/v2/instance/region"])
    }

    func testRefreshesInTheSDKsWindowBeforeExpiry() throws {
        let clock = ManualClock(start)
        let instance = try instance(clock)
        let provider = InstancePrincipalProvider(fetch: instance.fetch, clock: clock.function)
        let first = try provider.signer()
        clock.advance(1200 - 61)
        XCTAssertEqual(try provider.signer().keyId, first.keyId, "61 s before expiry the token is kept")
        XCTAssertEqual(instance.federations.count, 1)
        clock.advance(2)
        let second = try provider.signer()
        XCTAssertNotEqual(second.keyId, first.keyId, "59 s before expiry a new token is fetched")
        XCTAssertEqual(instance.federations.count, 2)
        XCTAssertEqual(provider.expiry(), clock.now + 1200)
        let publicKeys = instance.federations.compactMap { $0.body }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])?["publicKey"] as? String
        }
        XCTAssertEqual(Set(publicKeys).count, 2, "each federation sends a new session key")
    }

    func testInvalidateFetchesANewToken() throws {
        let clock = ManualClock(start)
        let instance = try instance(clock)
        let provider = InstancePrincipalProvider(fetch: instance.fetch, clock: clock.function)
        let first = try provider.signer()
        XCTAssertFalse(provider.invalidate(keyId: "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb"), "not a session token")
        XCTAssertEqual(try provider.signer().keyId, first.keyId)
        XCTAssertTrue(provider.invalidate(keyId: first.keyId))
        let second = try provider.signer()
        XCTAssertNotEqual(second.keyId, first.keyId)
        XCTAssertEqual(instance.federations.count, 2)
        // A second 401 for the old token (another request in flight) does not drop the new one.
        XCTAssertTrue(provider.invalidate(keyId: first.keyId))
        XCTAssertEqual(try provider.signer().keyId, second.keyId)
        XCTAssertEqual(instance.federations.count, 2)
    }

    func testOneFederationForManyThreads() throws {
        let clock = ManualClock(start)
        let instance = try instance(clock)
        instance.federationDelay = 0.2
        let provider = InstancePrincipalProvider(fetch: instance.fetch, clock: clock.function)
        let seen = KeyIds()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            seen.insert((try? provider.signer().keyId) ?? "failed")
        }
        XCTAssertEqual(instance.federations.count, 1)
        XCTAssertEqual(seen.values.count, 1)
        XCTAssertFalse(seen.values.contains("failed"))
    }

    func testAFailedRefreshKeepsTheValidTokenAndRetriesLater() throws {
        let clock = ManualClock(start)
        let instance = try instance(clock)
        let provider = InstancePrincipalProvider(fetch: instance.fetch, clock: clock.function)
        let first = try provider.signer()
        instance.federationFailure = (500, "{\"code\": \"InternalServerError\", \"message\": \"try later\"}")
        clock.advance(1200 - 30)
        XCTAssertEqual(try provider.signer().keyId, first.keyId, "still valid for 30 s: kept")
        XCTAssertEqual(try provider.signer().keyId, first.keyId)
        XCTAssertEqual(instance.federations.count, 2, "no second attempt within the retry delay")
        clock.advance(30)
        let error = try XCTUnwrap(credentialError { try provider.signer() })
        XCTAssertEqual(error.kind, .service)
        XCTAssertTrue(error.description.contains("HTTP 500 (InternalServerError: try later)"), error.description)
    }

    func testMetadataFailuresSayWhereToLook() throws {
        let clock = ManualClock(start)
        let instance = try instance(clock)
        instance.metadataStatus = 404
        let provider = InstancePrincipalProvider(fetch: instance.fetch, clock: clock.function)
        let error = try XCTUnwrap(credentialError { try provider.signer() })
        XCTAssertEqual(error.kind, .service)
        XCTAssertTrue(error.description.contains("GET http://169.254.169.254/opc/v2/identity/cert.pem answered HTTP 404"), error.description)
        XCTAssertTrue(error.description.contains("OCI compute instance"), error.description)
        XCTAssertTrue(error.description.contains("OCI_METADATA_BASE_URL"), error.description)
        // Callers right behind get the same error without another round of fetches, for a few seconds.
        XCTAssertEqual(credentialError { try provider.signer() }, error)
        XCTAssertEqual(instance.requests.count, 1)
        clock.advance(5)
        instance.metadataStatus = 200
        XCTAssertNoThrow(try provider.signer())
        XCTAssertEqual(instance.federations.count, 1)

        let unreachable = InstancePrincipalProvider(fetch: { request throws(CredentialError) in
            throw CredentialError(.service, "connect to 169.254.169.254 port 80 failed: no route to host")
        }, clock: clock.function)
        let connect = try XCTUnwrap(credentialError { try unreachable.signer() })
        XCTAssertTrue(connect.description.hasPrefix("GET http://169.254.169.254/opc/v2/identity/cert.pem failed: connect to"), connect.description)
    }

    func testFederationRefusalNamesTheDynamicGroupAndLeaksNothing() throws {
        let clock = ManualClock(start)
        let instance = try instance(clock)
        instance.federationFailure = (401, "{\"code\": \"NotAuthenticated\", \"message\": \"Failed to authenticate\"}")
        let provider = InstancePrincipalProvider(fetch: instance.fetch, clock: clock.function)
        let error = try XCTUnwrap(credentialError { try provider.signer() })
        XCTAssertEqual(error.kind, .service)
        XCTAssertTrue(error.description.contains("POST https://auth.us-ashburn-1.oraclecloud.com/v1/x509 answered HTTP 401 (NotAuthenticated: Failed to authenticate)"), error.description)
        XCTAssertTrue(error.description.contains("dynamic group"), error.description)
        let leafKeyBody = instance.identity.leafKeyPEM.split(separator: "\n")[1]
        for secret in [String(leafKeyBody), instance.identity.leafBase64.prefix(40).description, "BEGIN"] {
            XCTAssertFalse(error.description.contains(secret), "no key or certificate material in messages")
        }

        instance.federationFailure = (200, "{\"nothing\": 1}")
        clock.advance(InstancePrincipalProvider.retryDelay)
        let noToken = try XCTUnwrap(credentialError { try provider.signer() })
        XCTAssertTrue(noToken.description.contains("without a session token"), noToken.description)
    }

    func testACertificateWithoutTenancyOrAForeignKeyIsRefused() throws {
        let clock = ManualClock(start)
        let instance = try instance(clock)
        let other = try PrivateKey.generate()
        let mismatched = InstancePrincipalProvider(fetch: { request throws(CredentialError) in
            if request.url.hasSuffix("identity/key.pem") { return CredentialResponse(status: 200, body: Array((try? other.pkcs8PEM())?.utf8 ?? "".utf8)) }
            return try instance.fetch(request)
        }, clock: clock.function)
        let error = try XCTUnwrap(credentialError { try mismatched.signer() })
        XCTAssertTrue(error.description.contains("does not belong to the certificate"), error.description)
        XCTAssertTrue(instance.federations.isEmpty)

        let noTenancy = InstancePrincipalProvider(fetch: { request throws(CredentialError) in
            if request.url.hasSuffix("identity/cert.pem") { return CredentialResponse(status: 200, body: Array(instance.identity.intermediatePEM.utf8)) }
            return try instance.fetch(request)
        }, clock: clock.function)
        XCTAssertTrue(credentialError { try noTenancy.signer() }?.description.contains("names no tenancy") == true)
    }
}

final class KeyIds: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Set<String>()
    var values: Set<String> { lock.withLock { stored } }
    func insert(_ keyId: String) { lock.withLock { _ = stored.insert(keyId) } }
}
